using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.Contracts.Routing.V1;
using Complaints.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Complaints.Tests.Integration;

/// <summary>The agents' workflow over real gRPC, PostgreSQL and RabbitMQ, with routing following along.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ResolutionWorkflowTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private async Task<(string Id, string Agent)> AssignedComplaintAsync(string description)
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, description));
        // Assigned, and resolution's reaction to it settled: when routing moved the promised date, the
        // customer's notice of it is on the stream. That notice is news for the customer, so a test that
        // then moves the clock must not race it (it would be stamped at the moved time).
        var complaint = await platform.WaitForComplaintAsync(filed.ComplaintId,
            c => c.History.Any(h => h.EventType == "complaint_assigned")
                 && c.History.Count(h => h.EventType == "resolution_due_changed") == c.History.Count(h => h.EventType == "customer_notified"),
            Timeout);
        return (filed.ComplaintId, complaint.AgentId);
    }

    private async Task<GetComplaintResponse> HistoryAsync(string id) =>
        await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });

    [Fact]
    public async Task From_first_response_to_written_confirmation_every_step_is_on_the_stream()
    {
        var (id, agent) = await AssignedComplaintAsync("I was charged a service fee twice on my bill.");
        var queue = await WaitForQueueAsync(agent, id);
        Assert.False(queue.FirstResponseSent);

        var sent = await platform.ResolutionAs(agent).SendFirstResponseAsync(new SendFirstResponseRequest
        {
            ComplaintId = id, Channel = "phone",
            Message = "I am sorry for the double charge. I will check the billing record and call you back within 2 hours.",
        });
        // Sent, with the handbook's advice shown: a first response gives the staff number.
        Assert.True(sent.Version > 0);
        Assert.Equal(["no_staff_number"], sent.Advisories.Select(a => a.Kind));
        await platform.ResolutionAs(agent).RecordContactAsync(new RecordContactRequest { ComplaintId = id, Channel = "phone", Reached = true, Note = "Customer confirmed the two charges." });
        await platform.ResolutionAs(agent).RecordFindingAsync(new RecordFindingRequest { ComplaintId = id, Finding = "The billing batch ran twice on the 3rd." });
        var remedy = await platform.ResolutionAs(agent).ProposeRemedyAsync(new ProposeRemedyRequest
        {
            ComplaintId = id, Kind = RemedyKind.Refund, Amount = "49.00", Description = "Refund of the duplicate fee",
        });
        Assert.Equal("", remedy.RequiresApprovalFrom);
        await platform.ResolutionAs(agent).RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest
        {
            ComplaintId = id, RemedyId = remedy.RemedyId, Accepted = true,
            Confirmation = "As agreed on the phone today, 49.00 CNY is refunded to your card within 3 working days.", ConfirmationChannel = "email",
        });

        var history = await HistoryAsync(id);
        Assert.Equal(
            ["complaint_filed", "complaint_triaged", "complaint_routed", "complaint_assigned", "first_response_sent", "commitment_made",
             "customer_contacted", "investigation_finding_recorded", "remedy_proposed", "remedy_accepted", "complaint_resolved", "resolution_confirmed"],
            history.History.Select(h => h.EventType));
        Assert.Contains("within 3 working days", history.History[^1].DataJson);
        Assert.Contains("\"channel\":\"email\"", history.History[^1].DataJson);

        // Routing closes the case: out of the agent's queue, and no SLA breach follows.
        await WaitAsync(async () => !(await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = agent })).Cases.Any(c => c.ComplaintId == id));
        platform.Clock.Advance(TimeSpan.FromDays(3));
        await platform.SweepSlaAsync(id);
        Assert.DoesNotContain((await HistoryAsync(id)).History, h => h.EventType == "sla_breached");

        // Nothing more after resolution.
        var late = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs(agent).ProposeRemedyAsync(new ProposeRemedyRequest
        {
            ComplaintId = id, Kind = RemedyKind.Apology, Description = "One more apology",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
    }

    [Fact]
    public async Task The_first_response_stops_the_first_response_clock()
    {
        var (id, agent) = await AssignedComplaintAsync("The bill shows a fee I never agreed to.");
        await platform.ResolutionAs(agent).SendFirstResponseAsync(new SendFirstResponseRequest
        {
            ComplaintId = id, Channel = "sms", Message = "I have your complaint and will call you by 3 pm today.",
        });
        // Routing hears of it over RabbitMQ.
        await WaitAsync(async () => (await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = agent }))
            .Cases.Single(c => c.ComplaintId == id).FirstResponseSent);

        platform.Clock.Advance(TimeSpan.FromMinutes(15));
        await platform.SweepSlaAsync(id);

        Assert.DoesNotContain((await HistoryAsync(id)).History, h => h.EventType == "sla_breached");
        var twice = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs(agent).SendFirstResponseAsync(new SendFirstResponseRequest
        {
            ComplaintId = id, Channel = "sms", Message = "Hello again.",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, twice.StatusCode);
    }

    [Fact]
    public async Task A_remedy_above_the_proposers_limit_waits_for_enough_authority_and_never_for_the_proposer()
    {
        var (id, agent) = await AssignedComplaintAsync("The bill charged me a fee for a service I cancelled months ago.");
        var remedy = await platform.ResolutionAs(agent).ProposeRemedyAsync(new ProposeRemedyRequest
        {
            ComplaintId = id, Kind = RemedyKind.Refund, Amount = "3000", Description = "Refund of six months of fees",
        });
        Assert.Equal("manager", remedy.RequiresApprovalFrom);

        var notYet = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs(agent).RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest
        {
            ComplaintId = id, RemedyId = remedy.RemedyId, Accepted = true, Confirmation = "Refund agreed.", ConfirmationChannel = "email",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, notYet.StatusCode);

        // The agent's role approves nothing, least of all their own proposal.
        var selfApproval = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs(agent).DecideApprovalAsync(new DecideApprovalRequest
        {
            ComplaintId = id, RemedyId = remedy.RemedyId, Approve = true, Reason = "fine",
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, selfApproval.StatusCode);
        Assert.Contains("may not call", selfApproval.Status.Detail);

        var tooLow = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs("sup-billing").DecideApprovalAsync(new DecideApprovalRequest
        {
            ComplaintId = id, RemedyId = remedy.RemedyId, Approve = true, Reason = "ok",
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, tooLow.StatusCode);
        Assert.Contains("1000", tooLow.Status.Detail);

        await platform.ResolutionAs("mgr-care").DecideApprovalAsync(new DecideApprovalRequest
        {
            ComplaintId = id, RemedyId = remedy.RemedyId, Approve = true,
            Reason = "Cancellation is on record; we charged in error.",
        });
        await platform.ResolutionAs(agent).RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest
        {
            ComplaintId = id, RemedyId = remedy.RemedyId, Accepted = true,
            Confirmation = "As agreed, 3000 CNY is refunded within 5 working days.", ConfirmationChannel = "email",
        });

        var history = await HistoryAsync(id);
        var approval = Assert.Single(history.History, h => h.EventType == "remedy_approved");
        Assert.Contains("mgr-care", approval.DataJson);
        Assert.Contains("we charged in error", approval.DataJson);
        Assert.Contains(history.History, h => h.EventType == "complaint_resolved");
    }

    [Fact]
    public async Task A_rejected_remedy_escalates_one_tier_and_records_what_the_customer_prefers()
    {
        var (id, agent) = await AssignedComplaintAsync("An annual fee appeared on my bill without notice.");
        var remedy = await platform.ResolutionAs(agent).ProposeRemedyAsync(new ProposeRemedyRequest
        {
            ComplaintId = id, Kind = RemedyKind.ValueAdded, Amount = "50", Description = "Coupon worth 50 CNY",
        });
        await platform.ResolutionAs(agent).RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest
        {
            ComplaintId = id, RemedyId = remedy.RemedyId, Accepted = false, PreferredRemedy = "A refund of the annual fee",
        });

        var escalated = await platform.WaitForComplaintAsync(id, c => c.History.Any(h => h.EventType == "complaint_escalated"), Timeout);
        Assert.Equal(("supervisor", "sup-billing"), (escalated.Tier, escalated.AgentId));
        Assert.Contains("A refund of the annual fee", escalated.History.Single(h => h.EventType == "remedy_rejected").DataJson);
        Assert.Contains("rejected remedy", escalated.History.Single(h => h.EventType == "complaint_escalated").DataJson);

        // An alternative for the same complaint, now handled by the supervisor.
        var alternative = await platform.ResolutionAs("sup-billing").ProposeRemedyAsync(new ProposeRemedyRequest
        {
            ComplaintId = id, Kind = RemedyKind.Refund, Amount = "120",
            Description = "Refund of the annual fee", AlternativeTo = remedy.RemedyId,
        });
        Assert.Equal("", alternative.RequiresApprovalFrom);
    }

    [Fact]
    public async Task Forbidden_wording_is_refused_with_the_phrase_and_the_preferred_form_unless_a_supervisor_overrides()
    {
        var (id, agent) = await AssignedComplaintAsync("My bill has a fee that was never explained.");
        var request = new SendFirstResponseRequest
        {
            ComplaintId = id, Channel = "phone", Message = "这不是我们的责任，我们会尽快处理。",
        };

        var refused = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs(agent).SendFirstResponseAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var violations = refused.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations;
        Assert.All(violations, v => Assert.Equal("message", v.Field));
        Assert.Contains(violations, v => v.Description.Contains("这不是我们的责任") && v.Description.Contains("我来协调相关部门"));
        Assert.Contains(violations, v => v.Description.Contains("尽快") && v.Description.Contains("2小时内"));
        Assert.DoesNotContain((await HistoryAsync(id)).History, h => h.EventType == "first_response_sent");

        // The agent cannot override; the team's supervisor, calling as themselves, can.
        request.Override = new WordingOverride { Reason = "Quoting the customer's own words back to them" };
        var agentOverride = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs(agent).SendFirstResponseAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, agentOverride.StatusCode);
        await platform.ResolutionAs("sup-billing").SendFirstResponseAsync(request);

        var history = await HistoryAsync(id);
        Assert.Equal(2, history.History.Count(h => h.EventType == "wording_overridden"));
        Assert.All(history.History.Where(h => h.EventType == "wording_overridden"), h => Assert.Contains("sup-billing", h.DataJson));
        Assert.Contains(history.History, h => h.EventType == "first_response_sent");
    }

    [Fact]
    public async Task Concurrent_edits_at_the_same_version_let_one_win_and_tell_the_other_to_reload()
    {
        var (id, agent) = await AssignedComplaintAsync("I was billed for a fee twice again.");
        var version = (await HistoryAsync(id)).History[^1].Version;
        ProposeRemedyRequest Proposal(string amount) => new()
        {
            ComplaintId = id, Kind = RemedyKind.Refund, Amount = amount, Description = $"Refund {amount}", ExpectedVersion = version,
        };

        var results = await Task.WhenAll(new[] { "10", "20", "30" }.Select(async amount =>
        {
            try { return (Ok: true, Status: StatusCode.OK, Detail: (await platform.ResolutionAs(agent).ProposeRemedyAsync(Proposal(amount))).Version.ToString()); }
            catch (RpcException ex) { return (Ok: false, Status: ex.StatusCode, Detail: ex.Status.Detail); }
        }));

        Assert.Single(results, r => r.Ok);
        Assert.All(results.Where(r => !r.Ok), r =>
        {
            Assert.Equal(StatusCode.Aborted, r.Status);
            Assert.Contains("reload", r.Detail);
        });
        var after = await HistoryAsync(id);
        Assert.Single(after.History, h => h.EventType == "remedy_proposed");

        // A retry at the new version is safe.
        var retry = Proposal("20");
        retry.ExpectedVersion = after.History[^1].Version;
        await platform.ResolutionAs(agent).ProposeRemedyAsync(retry);
        Assert.Equal(2, (await HistoryAsync(id)).History.Count(h => h.EventType == "remedy_proposed"));
    }

    [Fact]
    public async Task Unknown_complaints_and_malformed_ids_get_clear_statuses()
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs("care-01").RecordFindingAsync(new RecordFindingRequest
        {
            ComplaintId = Guid.NewGuid().ToString(), Finding = "x",
        }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        var malformed = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs("care-01").RecordFindingAsync(new RecordFindingRequest
        {
            ComplaintId = "not-a-complaint", Finding = "x",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Contains(malformed.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations, v => v.Field == "complaint_id");
    }

    [Fact]
    public async Task A_complex_case_without_news_for_a_day_is_flagged_once_per_missed_day()
    {
        var (id, agent) = await AssignedComplaintAsync("The dishwasher is broken and leaks; 洗碗机漏水。");
        var entry = await WaitForQueueAsync(agent, id, e => e.Complex);
        Assert.True(entry.Complex);

        platform.Clock.Advance(TimeSpan.FromHours(25));
        await platform.SweepMissedUpdatesAsync(id);
        await platform.SweepMissedUpdatesAsync(id);
        Assert.Single((await HistoryAsync(id)).History, h => h.EventType == "progress_update_missed");
        var missedAt = Timestamp.FromDateTimeOffset(platform.Clock.GetUtcNow() - TimeSpan.FromHours(1));

        // A missed update at the agent tier sends the case to the team's supervisor. Routing does that
        // from the flag, asynchronously: wait for it, so that who sends the next update is not a race.
        await WaitAsync(async () => (await HistoryAsync(id)).History.Any(h => h.EventType == "complaint_escalated"));
        var holder = (await HistoryAsync(id)).AgentId;
        Assert.NotEqual(agent, holder);
        Assert.Equal(missedAt, (await WaitForQueueAsync(holder, id, e => e.UpdateMissedAt is not null)).UpdateMissedAt);
        await platform.ResolutionAs(holder).SendProgressUpdateAsync(new SendProgressUpdateRequest
        {
            ComplaintId = id, Channel = "sms", Message = "The technician's report arrives tomorrow by noon; I will call you at 2 pm.",
        });
        var sentAt = Timestamp.FromDateTimeOffset(platform.Clock.GetUtcNow());
        Assert.Null((await WaitForQueueAsync(holder, id, e => e.LastCustomerUpdate == sentAt)).UpdateMissedAt);
        platform.Clock.Advance(TimeSpan.FromHours(23));
        await platform.SweepMissedUpdatesAsync(id);
        Assert.Single((await HistoryAsync(id)).History, h => h.EventType == "progress_update_missed");

        platform.Clock.Advance(TimeSpan.FromHours(2));
        await platform.SweepMissedUpdatesAsync(id);
        Assert.Equal(2, (await HistoryAsync(id)).History.Count(h => h.EventType == "progress_update_missed"));
    }

    [Fact]
    public async Task A_simple_case_still_open_after_a_day_without_news_goes_to_the_supervisor()
    {
        var (id, agent) = await AssignedComplaintAsync("I was charged a fee twice on my bill.");
        var entry = await WaitForQueueAsync(agent, id);
        Assert.False(entry.Complex);

        platform.Clock.Advance(TimeSpan.FromHours(25));
        await platform.SweepMissedUpdatesAsync(id);

        await WaitAsync(async () => (await HistoryAsync(id)).History.Any(h => h.EventType == "complaint_escalated" && h.DataJson.Contains("no news for the customer")));
        var after = await HistoryAsync(id);
        Assert.Single(after.History, h => h.EventType == "progress_update_missed");
        Assert.Equal(("supervisor", "sup-billing"), (after.Tier, after.AgentId));

        // A second missed day leaves it with the supervisor: it is on their board already.
        platform.Clock.Advance(TimeSpan.FromHours(25));
        await platform.SweepMissedUpdatesAsync(id);
        await WaitAsync(async () => (await HistoryAsync(id)).History.Count(h => h.EventType == "progress_update_missed") == 2);
        // Routing has consumed the second miss (the only consumer of it): anything it escalates is appended by then.
        var secondMiss = (await HistoryAsync(id)).History.Last(h => h.EventType == "progress_update_missed");
        await platform.WaitForEventConsumedAsync(id, secondMiss.Version);
        Assert.Single((await HistoryAsync(id)).History, h => h.EventType == "complaint_escalated");
    }

    private async Task<QueueEntry> WaitForQueueAsync(string agent, string id, Func<QueueEntry, bool>? condition = null)
    {
        QueueEntry? entry = null;
        await WaitAsync(async () =>
        {
            entry = (await platform.Resolution.ListWholeQueueAsync(new ListQueueRequest { AgentId = agent })).Entries.FirstOrDefault(e => e.ComplaintId == id);
            return entry is not null && (condition?.Invoke(entry) ?? true);
        });
        return entry!;
    }

    private async Task WaitAsync(Func<Task<bool>> condition, [System.Runtime.CompilerServices.CallerLineNumber] int line = 0)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The condition of line {line} did not hold in time; recent warnings:\n{platform.Warnings.Recent()}");
            await Task.Delay(100);
        }
    }
}
