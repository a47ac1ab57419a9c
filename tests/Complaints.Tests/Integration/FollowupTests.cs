using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Complaints.Tests.Integration;

/// <summary>A complaint's whole life across the four services over RabbitMQ, and what follow-up makes of it.</summary>
[Collection(PlatformCollection.Name)]
public sealed class FollowupTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private async Task<GetComplaintResponse> HistoryAsync(string id) =>
        await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });

    private Task<GetComplaintResponse> WaitForEventAsync(string id, string eventType, int count = 1) =>
        platform.WaitForComplaintAsync(id, c => c.History.Count(h => h.EventType == eventType) >= count, Timeout);

    private Task<(string Id, string Agent)> ResolvedComplaintAsync(FileComplaintRequest request, TimeSpan? respondAfter = null, TimeSpan? resolveAfter = null) =>
        Journeys.ResolvedAsync(platform, request, respondAfter, resolveAfter);

    private static FileComplaintRequest Billing(string customer, string order, string description = "I was charged a fee twice on my bill.")
    {
        var request = Requests.Valid(Channel.Email, description);
        request.Customer.CustomerId = customer;
        request.Subject = new Subject { OrderRef = order };
        return request;
    }

    [Fact]
    public async Task The_whole_life_of_a_complaint_from_filing_to_closure_is_on_its_stream_in_order()
    {
        var customer = $"LIFE-{Guid.NewGuid():N}"[..20];
        var (id, agent) = await ResolvedComplaintAsync(Billing(customer, "ORD-LIFE"));

        // Follow-up schedules the call-back; it falls due three days later.
        await WaitForEventAsync(id, "callback_scheduled");
        await platform.SweepCallbacksAsync(id);
        Assert.DoesNotContain((await HistoryAsync(id)).History, h => h.EventType == "callback_due");
        platform.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        await platform.SweepCallbacksAsync(id);
        Assert.Single((await HistoryAsync(id)).History, h => h.EventType == "callback_due");

        var survey = await platform.FollowupAs(agent).RecordSurveyAsync(new RecordSurveyRequest
        {
            ComplaintId = id, Timeliness = 5, Solution = 4, Attitude = 5, Nps = 9, Comment = "处理得很及时，谢谢。",
        });
        Assert.Equal(("closed", true), (survey.Outcome, survey.Satisfied));

        var history = await HistoryAsync(id);
        Assert.Equal(
            ["complaint_filed", "complaint_triaged", "complaint_routed", "complaint_assigned",
             "first_response_sent", "commitment_made", "remedy_proposed", "remedy_accepted", "complaint_resolved", "resolution_confirmed",
             "callback_scheduled", "callback_due", "survey_recorded", "complaint_closed"],
            history.History.Select(h => h.EventType));

        // Closed is closed: no more work on it, no second survey.
        var again = await Assert.ThrowsAsync<RpcException>(() => platform.FollowupAs(agent).RecordSurveyAsync(new RecordSurveyRequest
        {
            ComplaintId = id, Timeliness = 1, Solution = 1, Attitude = 1, Nps = 0,
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        var work = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs(agent).RecordFindingAsync(new RecordFindingRequest
        {
            ComplaintId = id, Finding = "late note",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, work.StatusCode);

        // The same customer on the same subject after closure: a second complaint, linked to the first.
        var second = await platform.Intake.FileComplaintAsync(Billing(customer, "ORD-LIFE", "The double charge is back on this month's bill."));
        var linked = await WaitForEventAsync(second.ComplaintId, "second_complaint_linked");
        Assert.Contains(id, linked.History.Single(h => h.EventType == "second_complaint_linked").DataJson);
        // Learnt from the relay's notice, the link is still recorded as a reaction to the filing: its cause and its correlation.
        var stamps = new Dictionary<string, (Guid Id, string? Correlation, string? Causation)>();
        await using (var command = platform.Database.CreateCommand(
            $"select type, id, correlation_id, causation_id from {Complaints.ServiceDefaults.ComplaintsSettings.EventStoreSchema}.mt_events where stream_id = @stream"))
        {
            command.Parameters.AddWithValue("stream", Guid.Parse(second.ComplaintId));
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                stamps[reader.GetString(0)] = (reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }
        var filing = stamps["complaint_filed"];
        Assert.False(string.IsNullOrEmpty(filing.Correlation));
        Assert.Equal((filing.Id.ToString(), filing.Correlation), (stamps["second_complaint_linked"].Causation, stamps["second_complaint_linked"].Correlation));
        // Linked or not, routing still takes the second complaint through triage and assignment.
        var routed = await platform.WaitForComplaintAsync(second.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        Assert.Equal("billing", routed.Team);
    }

    [Fact]
    public async Task A_dissatisfied_customer_reopens_the_complaint_with_a_dedicated_owner_one_tier_up()
    {
        var (id, agent) = await ResolvedComplaintAsync(Billing($"SAD-{Guid.NewGuid():N}"[..20], "ORD-SAD"));
        await WaitForEventAsync(id, "callback_scheduled");

        var survey = await platform.FollowupAs(agent).RecordSurveyAsync(new RecordSurveyRequest
        {
            ComplaintId = id, Timeliness = 2, Solution = 1, Attitude = 3, Nps = 2, Comment = "Refund never arrived.",
        });

        Assert.Equal(("reopened", false), (survey.Outcome, survey.Satisfied));
        var reopened = await WaitForEventAsync(id, "complaint_escalated");
        Assert.Contains("complaint_reopened", reopened.History.Select(h => h.EventType));
        Assert.Equal(("supervisor", "sup-billing"), (reopened.Tier, reopened.AgentId));
        Assert.Contains("dedicated owner", reopened.History.Single(h => h.EventType == "complaint_escalated").DataJson);

        // The new resolution date is a fact on the complaint, and the customer is told it in writing.
        var told = await WaitForEventAsync(id, "customer_notified");
        var changed = told.History.Last(h => h.EventType == "resolution_due_changed");
        Assert.Contains("reopened after follow-up", changed.DataJson);
        Assert.True(changed.Version > told.History.Single(h => h.EventType == "complaint_reopened").Version);
        Assert.True(told.ResolutionDue.ToDateTimeOffset() > platform.Clock.GetUtcNow(), "the complaint's resolution date is the new, future one");
        Assert.Contains(told.History, h => h.EventType == "customer_notified" && h.DataJson.Contains("new_resolution_date"));

        // The reopened case is workable again, by its new owner.
        var remedy = await platform.ResolutionAs("sup-billing").ProposeRemedyAsync(new ProposeRemedyRequest
        {
            ComplaintId = id, Kind = RemedyKind.ValueAdded, Amount = "100",
            Description = "Bank transfer today plus a 100 CNY voucher",
        });
        Assert.Equal("", remedy.RequiresApprovalFrom);
    }

    [Fact]
    public async Task A_root_cause_review_feeds_the_case_library_and_later_complaints_verify_the_action()
    {
        var (id, _) = await ResolvedComplaintAsync(Billing($"RCA-{Guid.NewGuid():N}"[..20], "ORD-RCA"));
        var review = await platform.FollowupAs("analyst-01").RecordRootCauseAsync(new RecordRootCauseRequest
        {
            ComplaintId = id, 
            Whys =
            {
                "Why was the customer charged twice? The billing batch ran twice.",
                "Why did it run twice? The scheduler retried after a timeout.",
                "Why did the retry charge again? The batch is not idempotent.",
                "为什么批处理不幂等？设计时没有考虑重试。",
                "Why was that missed? Billing changes have no failure-mode review.",
            },
            RootCauseCategory = "System",
            Action = new ImprovementAction { Description = "Make the billing batch idempotent", Owner = "billing-platform", DueDate = "2026-12-31" },
        });

        var later = await platform.Intake.FileComplaintAsync(Billing($"RCA2-{Guid.NewGuid():N}"[..20], "ORD-RCA2"));
        await platform.Followup.LinkToImprovementActionAsync(new LinkToImprovementActionRequest { ComplaintId = later.ComplaintId, ActionId = review.ActionId });
        await platform.Followup.LinkToImprovementActionAsync(new LinkToImprovementActionRequest { ComplaintId = later.ComplaintId, ActionId = review.ActionId });

        var action = await platform.Followup.GetImprovementActionAsync(new GetImprovementActionRequest { ActionId = review.ActionId });
        Assert.Equal(id, action.SourceComplaintId);
        Assert.Equal("system", action.RootCauseCategory);
        Assert.Equal([later.ComplaintId], action.LinkedComplaintIds);

        CaseLibraryEntry? entry = null;
        var deadline = DateTime.UtcNow + Timeout;
        while (entry is null && DateTime.UtcNow < deadline)
        {
            var found = await platform.Followup.SearchCaseLibraryAsync(new SearchCaseLibraryRequest { Category = "billing_fees", RootCauseCategory = "system" });
            entry = found.Entries.FirstOrDefault(e => e.ComplaintId == id);
            if (entry is null) await Task.Delay(100);
        }
        Assert.NotNull(entry);
        Assert.Equal(5, entry.Whys.Count);
        Assert.Equal([review.ActionId], entry.ActionIds);
        var other = await platform.Followup.SearchCaseLibraryAsync(new SearchCaseLibraryRequest { RootCauseCategory = "training" });
        Assert.DoesNotContain(other.Entries, e => e.ComplaintId == id);

        var badReview = await Assert.ThrowsAsync<RpcException>(() => platform.FollowupAs("analyst-01").RecordRootCauseAsync(new RecordRootCauseRequest
        {
            ComplaintId = id, RootCauseCategory = "system",
            Whys = { "1", "2", "3", "4", "5", "6" },
            Action = new ImprovementAction { Description = "x", Owner = "y", DueDate = "31/12/2026" },
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, badReview.StatusCode);
    }

    [Fact]
    public async Task KPIs_over_scripted_complaints_match_a_hand_computation_and_a_rebuild_from_scratch()
    {
        // Everything below happens in a window no other test files in.
        platform.Clock.Advance(TimeSpan.FromDays(30));
        var t0 = platform.Clock.GetUtcNow();
        var c1 = await platform.Intake.FileComplaintAsync(Billing($"KPI1-{Guid.NewGuid():N}"[..20], "K-1"));
        var c2 = await platform.Intake.FileComplaintAsync(Billing($"KPI2-{Guid.NewGuid():N}"[..20], "K-2", "A fee appeared on my bill that nobody explained."));
        var c3 = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.WebChat, "快递三天了还没送到，客服也联系不上。"));
        var a1 = await platform.WaitForComplaintAsync(c1.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        var a2 = await platform.WaitForComplaintAsync(c2.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        var a3 = await platform.WaitForComplaintAsync(c3.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);

        async Task Respond(string id, string agent) => await platform.ResolutionAs(agent).SendFirstResponseAsync(new SendFirstResponseRequest
        {
            ComplaintId = id, Channel = "phone", Message = "I have your complaint and will call you back by 5 pm today.",
        });
        async Task Resolve(string id, string agent)
        {
            var remedy = await platform.ResolutionAs(agent).ProposeRemedyAsync(new ProposeRemedyRequest
            {
                ComplaintId = id, Kind = RemedyKind.Refund, Amount = "20", Description = "Refund",
            });
            await platform.ResolutionAs(agent).RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest
            {
                ComplaintId = id, RemedyId = remedy.RemedyId, Accepted = true,
                Confirmation = "As agreed, 20 CNY is refunded within 3 working days.", ConfirmationChannel = "email",
            });
        }

        platform.Clock.Advance(TimeSpan.FromMinutes(4));   // t0+4m: C1 answered
        await Respond(c1.ComplaintId, a1.AgentId);
        platform.Clock.Advance(TimeSpan.FromMinutes(2));   // t0+6m: C3 answered
        await Respond(c3.ComplaintId, a3.AgentId);
        await platform.WaitForComplaintAsync(c1.ComplaintId, _ => true, Timeout);
        await WaitForRoutingToSeeFirstResponsesAsync(a1.AgentId, c1.ComplaintId, a3.AgentId, c3.ComplaintId);
        platform.Clock.Advance(TimeSpan.FromMinutes(5));   // t0+11m: C2 breaches its first-response deadline
        await platform.SweepSlaAsync(c1.ComplaintId, c2.ComplaintId, c3.ComplaintId);
        await WaitForEventAsync(c2.ComplaintId, "sla_breached");
        platform.Clock.Advance(TimeSpan.FromMinutes(1));   // t0+12m: C2 answered, by the supervisor now
        await Respond(c2.ComplaintId, "sup-billing");
        platform.Clock.Advance(TimeSpan.FromMinutes(108)); // t0+2h: C1 resolved
        await Resolve(c1.ComplaintId, a1.AgentId);
        platform.Clock.Advance(TimeSpan.FromHours(1));     // t0+3h: C2 resolved
        await Resolve(c2.ComplaintId, "sup-billing");
        await WaitForEventAsync(c1.ComplaintId, "callback_scheduled");
        await WaitForEventAsync(c2.ComplaintId, "callback_scheduled");
        await platform.FollowupAs(a1.AgentId).RecordSurveyAsync(new RecordSurveyRequest { ComplaintId = c1.ComplaintId, Timeliness = 5, Solution = 5, Attitude = 5, Nps = 10 });
        await platform.FollowupAs("sup-billing").RecordSurveyAsync(new RecordSurveyRequest { ComplaintId = c2.ComplaintId, Timeliness = 2, Solution = 2, Attitude = 3, Nps = 3 });
        await WaitForEventAsync(c2.ComplaintId, "complaint_escalated", count: 2); // the breach, then the reopen

        var request = new GetKpisRequest
        {
            From = Timestamp.FromDateTimeOffset(t0), To = Timestamp.FromDateTimeOffset(t0.AddMinutes(1)), GroupBy = KpiGrouping.Team,
        };
        // By hand: first responses 4, 12 and 6 minutes; C1 resolved after 2 h, C2 after 3 h (then
        // reopened); C2 breached and was escalated; surveys 5/5/5 NPS 10 and 2/2/3 NPS 3.
        var expectedAll = new Kpi
        {
            Group = "all", Complaints = 3, FirstResponseMinutesMedian = 6, FirstResponseMinutesP90 = 12, AverageHandlingHours = 2.5,
            SolveRate = 2.0 / 3, SlaCompliance = 2.0 / 3, EscalationRate = 1.0 / 3, RepeatRate = 0, ReopenRate = 0.5, Csat = 0.5, Nps = 0, Surveys = 2,
        };
        var expectedBilling = new Kpi
        {
            Group = "billing", Complaints = 2, FirstResponseMinutesMedian = 8, FirstResponseMinutesP90 = 12, AverageHandlingHours = 2.5,
            SolveRate = 1, SlaCompliance = 0.5, EscalationRate = 0.5, RepeatRate = 0, ReopenRate = 0.5, Csat = 0.5, Nps = 0, Surveys = 2,
        };
        var expectedLogistics = new Kpi
        {
            Group = "logistics", Complaints = 1, FirstResponseMinutesMedian = 6, FirstResponseMinutesP90 = 6, SlaCompliance = 1,
        };

        var live = await WaitForKpisAsync(request, expectedAll);
        AssertKpi(expectedAll, live.Kpis.Single(k => k.Group == "all"));
        AssertKpi(expectedBilling, live.Kpis.Single(k => k.Group == "billing"));
        AssertKpi(expectedLogistics, live.Kpis.Single(k => k.Group == "logistics"));

        Assert.True((await platform.Facts.RebuildAllAsync(CancellationToken.None)).Complaints >= 3);
        var rebuilt = await platform.Followup.GetKpisAsync(request);
        Assert.Equal(live.Kpis, rebuilt.Kpis);
    }

    [Fact]
    public async Task A_customer_never_reached_closes_without_feedback_after_the_configured_attempts_and_may_then_be_erased()
    {
        var customer = $"UNREACH-{Guid.NewGuid():N}"[..20];
        var (id, agent) = await ResolvedComplaintAsync(Billing(customer, "ORD-NOANSWER"));
        await WaitForEventAsync(id, "callback_scheduled");
        var privacy = platform.IntakeAs("privacy-01");
        var erase = new EraseCustomerDataRequest { CustomerId = customer, Reason = "Customer's erasure request DSR-2026-41" };

        // Three call-backs nobody answers (the default): the third closes the complaint, without feedback.
        var followup = platform.FollowupAs(agent);
        var first = await followup.RecordCallbackAttemptAsync(new RecordCallbackAttemptRequest { ComplaintId = id, Channel = "phone" });
        Assert.Equal((1, 3, false), (first.Attempts, first.AttemptsAllowed, first.ClosedWithoutFeedback));
        var held = await Assert.ThrowsAsync<RpcException>(() => privacy.EraseCustomerDataAsync(erase).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, held.StatusCode);
        Assert.Contains("still open", held.Status.Detail);
        await followup.RecordCallbackAttemptAsync(new RecordCallbackAttemptRequest { ComplaintId = id, Channel = "sms" });
        var last = await followup.RecordCallbackAttemptAsync(new RecordCallbackAttemptRequest { ComplaintId = id, Channel = "phone" });
        Assert.Equal((3, true), (last.Attempts, last.ClosedWithoutFeedback));

        var history = await HistoryAsync(id);
        Assert.Equal(3, history.History.Count(h => h.EventType == "callback_unanswered"));
        Assert.Equal("complaint_closed", history.History[^1].EventType);
        Assert.Contains("\"withoutFeedback\":true", history.History[^1].DataJson);
        var closed = await Assert.ThrowsAsync<RpcException>(() => followup.RecordCallbackAttemptAsync(new RecordCallbackAttemptRequest { ComplaintId = id, Channel = "phone" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, closed.StatusCode);

        // Counted apart in the KPIs of the period it was filed in (this complaint alone).
        var filedAt = (await HistoryAsync(id)).FiledAt.ToDateTimeOffset();
        var period = new GetKpisRequest { From = Timestamp.FromDateTimeOffset(filedAt), To = Timestamp.FromDateTimeOffset(filedAt.AddMilliseconds(1)) };
        await PlatformFixture.UntilAsync(async () => (await platform.Followup.GetKpisAsync(period)).Kpis[0] is { Complaints: 1, ClosedWithoutFeedback: 1 },
            "follow-up counts the complaint closed without feedback");

        // The privacy officer is told what still holds the data, and may erase it once the retention period has passed.
        var retained = await Assert.ThrowsAsync<RpcException>(() => privacy.EraseCustomerDataAsync(erase).ResponseAsync);
        Assert.Contains("retention period", retained.Status.Detail);
        platform.Clock.Advance(PlatformFixture.Retention + TimeSpan.FromDays(1));
        Assert.Equal([id], (await privacy.EraseCustomerDataAsync(erase)).ComplaintIds);
    }

    [Fact]
    public async Task Only_whoever_may_work_the_case_records_an_unanswered_call_back()
    {
        var (id, agent) = await ResolvedComplaintAsync(Billing($"UNREACH-{Guid.NewGuid():N}"[..20], "ORD-NOANSWER"));
        var attempt = new RecordCallbackAttemptRequest { ComplaintId = id, Channel = "phone" };
        foreach (var stranger in new[] { "care-01", "sup-care" })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => platform.FollowupAs(stranger).RecordCallbackAttemptAsync(attempt).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        }
        var invalid = await Assert.ThrowsAsync<RpcException>(() => platform.FollowupAs(agent).RecordCallbackAttemptAsync(new RecordCallbackAttemptRequest { ComplaintId = id }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("channel", invalid.Status.Detail);
        Assert.DoesNotContain((await HistoryAsync(id)).History, h => h.EventType == "callback_unanswered");
    }

    private async Task WaitForRoutingToSeeFirstResponsesAsync(string agent1, string id1, string agent3, string id3)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            var q1 = await platform.Routing.ListAllAgentCasesAsync(new Contracts.Routing.V1.ListAgentCasesRequest { AgentId = agent1 });
            var q3 = await platform.Routing.ListAllAgentCasesAsync(new Contracts.Routing.V1.ListAgentCasesRequest { AgentId = agent3 });
            if (q1.Cases.Single(c => c.ComplaintId == id1).FirstResponseSent && q3.Cases.Single(c => c.ComplaintId == id3).FirstResponseSent) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("Routing did not see the first responses");
    }

    private async Task<GetKpisResponse> WaitForKpisAsync(GetKpisRequest request, Kpi expected)
    {
        var deadline = DateTime.UtcNow + Timeout;
        GetKpisResponse response;
        do
        {
            response = await platform.Followup.GetKpisAsync(request);
            var all = response.Kpis.Single(k => k.Group == "all");
            if (all.Complaints == expected.Complaints && all.Surveys == expected.Surveys && Math.Abs(all.ReopenRate - expected.ReopenRate) < 1e-9
                && Math.Abs(all.EscalationRate - expected.EscalationRate) < 1e-9 && Math.Abs(all.SlaCompliance - expected.SlaCompliance) < 1e-9)
                return response;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        return response;
    }

    private static void AssertKpi(Kpi expected, Kpi actual)
    {
        Assert.Equal(expected.Group, actual.Group);
        Assert.Equal(expected.Complaints, actual.Complaints);
        Assert.Equal(expected.Surveys, actual.Surveys);
        foreach (var (name, e, a) in new[]
        {
            ("first response median", expected.FirstResponseMinutesMedian, actual.FirstResponseMinutesMedian),
            ("first response p90", expected.FirstResponseMinutesP90, actual.FirstResponseMinutesP90),
            ("average handling hours", expected.AverageHandlingHours, actual.AverageHandlingHours),
            ("solve rate", expected.SolveRate, actual.SolveRate),
            ("SLA compliance", expected.SlaCompliance, actual.SlaCompliance),
            ("escalation rate", expected.EscalationRate, actual.EscalationRate),
            ("repeat rate", expected.RepeatRate, actual.RepeatRate),
            ("reopen rate", expected.ReopenRate, actual.ReopenRate),
            ("CSAT", expected.Csat, actual.Csat),
            ("NPS", expected.Nps, actual.Nps),
        })
            Assert.True(Math.Abs(e - a) < 1e-6, $"{expected.Group} {name}: expected {e}, got {a}");
    }
}

/// <summary>The closed loop (the brief: find, improve, verify): an action's status and whether its root cause came back.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ImprovementLoopTests(PlatformFixture platform)
{
    private async Task<string> ReviewedAsync(string rootCause)
    {
        var (id, _) = await Journeys.ResolvedAsync(platform, Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));
        var review = await platform.FollowupAs("analyst-01").RecordRootCauseAsync(new RecordRootCauseRequest
        {
            ComplaintId = id, Whys = { "Why twice? The billing batch ran twice." }, RootCauseCategory = rootCause,
            Action = new ImprovementAction { Description = "Make the billing batch idempotent", Owner = "billing-platform", DueDate = "2026-12-31" },
        });
        return review.ActionId;
    }

    private Task<GetImprovementActionResponse> ActionAsync(string actionId) =>
        platform.Followup.GetImprovementActionAsync(new GetImprovementActionRequest { ActionId = actionId }).ResponseAsync;

    [Fact]
    public async Task An_action_done_is_verified_when_its_root_cause_stays_away_and_not_verified_when_it_comes_back()
    {
        var analyst = platform.FollowupAs("analyst-01");
        var quiet = await ReviewedAsync($"batch-{Guid.NewGuid():N}"[..16]);
        Assert.Equal((ImprovementActionStatus.Open, ImprovementVerdict.Pending), ((await ActionAsync(quiet)).Status, (await ActionAsync(quiet)).Verdict));
        await analyst.CompleteImprovementActionAsync(new CompleteImprovementActionRequest { ActionId = quiet, Outcome = "Batch keyed by statement id; retries are no-ops" });
        var done = await ActionAsync(quiet);
        Assert.Equal((ImprovementActionStatus.Done, ImprovementVerdict.Pending), (done.Status, done.Verdict));
        var twice = await Assert.ThrowsAsync<RpcException>(() => analyst.CompleteImprovementActionAsync(new CompleteImprovementActionRequest { ActionId = quiet, Outcome = "again" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, twice.StatusCode);

        var recurring = $"sched-{Guid.NewGuid():N}"[..16];
        var back = await ReviewedAsync(recurring);
        await analyst.CompleteImprovementActionAsync(new CompleteImprovementActionRequest { ActionId = back, Outcome = "Scheduler retries disabled" });
        platform.Clock.Advance(TimeSpan.FromDays(2));
        // A later complaint traced to the same root cause: the action did not hold.
        await ReviewedAsync(recurring);
        await PlatformFixture.UntilAsync(async () => (await ActionAsync(back)).Verdict == ImprovementVerdict.NotVerified, "the recurrence counts against the action");
        Assert.Equal(1, (await ActionAsync(back)).Recurrences);

        // A month without the first root cause: verified.
        platform.Clock.Advance(TimeSpan.FromDays(31));
        var verified = await ActionAsync(quiet);
        Assert.Equal((ImprovementVerdict.Verified, 0), (verified.Verdict, verified.Recurrences));
    }
}
