using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Routing.V1;
using Complaints.Tests.Infrastructure;
using Grpc.Core;

namespace Complaints.Tests.Integration;

/// <summary>
/// A supervisor runs the team's day through the public API: the board, moving a case between agents
/// (the loads follow), escalating by hand. Real routing over PostgreSQL and RabbitMQ, fake clock.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SupervisorDeskTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private async Task<GetComplaintResponse> FileBillingComplaintAsync()
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));
        return await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.AgentId.Length > 0, Timeout);
    }

    private static int OpenLoad(GetTeamBoardResponse board, string agent) => board.Agents.Single(a => a.AgentId == agent).Open;

    [Fact]
    public async Task A_supervisor_moves_a_case_to_another_agent_and_the_loads_move_with_it()
    {
        var complaint = await FileBillingComplaintAsync();
        var from = complaint.AgentId;
        var to = from == "bill-01" ? "bill-02" : "bill-01";
        var supervisor = platform.RoutingAs("sup-billing");
        var before = await supervisor.GetWholeTeamBoardAsync(new GetTeamBoardRequest());

        var moved = await supervisor.ReassignCaseAsync(new ReassignCaseRequest
        {
            ComplaintId = complaint.ComplaintId, AgentId = to, Reason = "bill-01 is on leave this afternoon",
        });

        Assert.Equal((to, from, "agent", "billing"), (moved.AgentId, moved.PreviousAssigneeId, moved.Tier, moved.Team));
        var after = await supervisor.GetWholeTeamBoardAsync(new GetTeamBoardRequest());
        Assert.Equal(OpenLoad(before, from) - 1, OpenLoad(after, from));
        Assert.Equal(OpenLoad(before, to) + 1, OpenLoad(after, to));
        Assert.Contains((await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = to })).Cases, c => c.ComplaintId == complaint.ComplaintId);
        Assert.DoesNotContain((await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = from })).Cases, c => c.ComplaintId == complaint.ComplaintId);
        var history = (await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId })).History;
        Assert.Contains(history, h => h.EventType == "complaint_assigned" && h.DataJson.Contains("reassigned by sup-billing") && h.DataJson.Contains("on leave"));

        // Another team's supervisor may not move it, nor may anyone without a reason, nor to someone who is no agent.
        var otherTeam = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs("sup-care").ReassignCaseAsync(new ReassignCaseRequest
        {
            ComplaintId = complaint.ComplaintId, AgentId = "care-01", Reason = "mine now",
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, otherTeam.StatusCode);
        var noReason = await Assert.ThrowsAsync<RpcException>(() => supervisor.ReassignCaseAsync(new ReassignCaseRequest
        {
            ComplaintId = complaint.ComplaintId, AgentId = from,
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, noReason.StatusCode);
        var nobody = await Assert.ThrowsAsync<RpcException>(() => supervisor.ReassignCaseAsync(new ReassignCaseRequest
        {
            ComplaintId = complaint.ComplaintId, AgentId = "ghost-99", Reason = "r",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, nobody.StatusCode);
        Assert.Contains("agent_id", nobody.Status.Detail);
    }

    [Fact]
    public async Task A_supervisor_escalates_by_hand_and_escalation_only_goes_up()
    {
        var complaint = await FileBillingComplaintAsync();
        var supervisor = platform.RoutingAs("sup-billing");
        var before = await supervisor.GetWholeTeamBoardAsync(new GetTeamBoardRequest());

        var escalated = await supervisor.EscalateCaseAsync(new EscalateCaseRequest
        {
            ComplaintId = complaint.ComplaintId, ToTier = EscalationTier.Manager, Reason = "the customer is a key account and asks for the manager",
        });

        Assert.Equal("manager", escalated.Tier);
        var after = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId });
        Assert.Equal(("manager", escalated.AssigneeId), (after.Tier, after.AgentId));
        Assert.Contains(after.History, h => h.EventType == "complaint_escalated" && h.DataJson.Contains("escalated by hand by sup-billing"));
        var board = await supervisor.GetWholeTeamBoardAsync(new GetTeamBoardRequest());
        Assert.Equal(OpenLoad(before, complaint.AgentId) - 1, OpenLoad(board, complaint.AgentId));
        Assert.Contains(board.Cases, c => c.Case.ComplaintId == complaint.ComplaintId && c.Case.Tier == "manager");

        var down = await Assert.ThrowsAsync<RpcException>(() => supervisor.EscalateCaseAsync(new EscalateCaseRequest
        {
            ComplaintId = complaint.ComplaintId, ToTier = EscalationTier.Supervisor, Reason = "back down",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, down.StatusCode);
    }

    [Fact]
    public async Task The_board_shows_a_case_at_risk_before_its_deadline_and_breaching_after_it()
    {
        var complaint = await FileBillingComplaintAsync();
        var supervisor = platform.RoutingAs("sup-billing");
        BoardCase Ours(GetTeamBoardResponse board) => board.Cases.Single(c => c.Case.ComplaintId == complaint.ComplaintId);

        var fresh = Ours(await supervisor.GetWholeTeamBoardAsync(new GetTeamBoardRequest { AtRiskWithinMinutes = 5 }));
        Assert.Equal((false, false), (fresh.AtRisk, fresh.Breaching));
        Assert.Equal(complaint.FirstResponseDue, fresh.NextDeadline);

        // Seven of the ten minutes to the first response gone: three left, inside a five-minute window.
        platform.Clock.Advance(TimeSpan.FromMinutes(7));
        var atRisk = await supervisor.GetWholeTeamBoardAsync(new GetTeamBoardRequest { AtRiskWithinMinutes = 5 });
        Assert.Equal((true, false), (Ours(atRisk).AtRisk, Ours(atRisk).Breaching));
        Assert.True(atRisk.AtRisk >= 1);

        // Past the deadline, even before the sweeper has recorded the breach: breaching, listed first.
        platform.Clock.Advance(TimeSpan.FromMinutes(4));
        var late = await supervisor.GetWholeTeamBoardAsync(new GetTeamBoardRequest { AtRiskWithinMinutes = 5 });
        Assert.True(Ours(late).Breaching);
        Assert.True(late.Cases[0].Breaching);
        Assert.True(late.Breaching >= 1);

        var notTheirs = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs("sup-care").GetTeamBoardAsync(new GetTeamBoardRequest { Team = "billing" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notTheirs.StatusCode);
        var managerView = await platform.Routing.GetWholeTeamBoardAsync(new GetTeamBoardRequest { Team = "billing" });
        Assert.Contains(managerView.Cases, c => c.Case.ComplaintId == complaint.ComplaintId);
    }

    [Fact]
    public async Task Boards_and_queues_come_a_page_at_a_time_and_paging_through_gives_every_case_once()
    {
        var ours = new List<GetComplaintResponse>();
        for (var i = 0; i < 3; i++) ours.Add(await FileBillingComplaintAsync());
        var supervisor = platform.RoutingAs("sup-billing");

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        int total;
        do
        {
            var page = await supervisor.GetTeamBoardAsync(new GetTeamBoardRequest { PageSize = 2, PageToken = token });
            Assert.InRange(page.Cases.Count, 1, 2);
            total = page.TotalSize;
            seen.AddRange(page.Cases.Select(c => c.Case.ComplaintId));
            token = page.NextPageToken;
            pages++;
        } while (token.Length > 0);
        Assert.True(pages >= 2, $"{total} open billing cases came in {pages} page(s) of two");
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), ours.Select(c => c.ComplaintId).ToHashSet());
        Assert.Equal(total, seen.Count);

        // An agent's own lists page the same way.
        var agent = ours[0].AgentId;
        var firstOfQueue = await platform.ResolutionAs(agent).ListQueueAsync(new Contracts.Resolution.V1.ListQueueRequest { PageSize = 1 });
        Assert.Single(firstOfQueue.Entries);
        Assert.Equal(firstOfQueue.TotalSize > 1, firstOfQueue.NextPageToken.Length > 0);
        var firstOfCases = await platform.RoutingAs(agent).ListAgentCasesAsync(new ListAgentCasesRequest { PageSize = 1 });
        Assert.Single(firstOfCases.Cases);
        Assert.Equal(firstOfCases.TotalSize > 1, firstOfCases.NextPageToken.Length > 0);

        // A token is the list's own: not made up, not another team's, and no negative page size.
        var madeUp = await Assert.ThrowsAsync<RpcException>(() => supervisor.GetTeamBoardAsync(new GetTeamBoardRequest { PageToken = "page-2" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, madeUp.StatusCode);
        Assert.Contains("page_token", madeUp.Status.Detail);
        var billingToken = (await platform.Routing.GetTeamBoardAsync(new GetTeamBoardRequest { Team = "billing", PageSize = 1 })).NextPageToken;
        var otherList = await Assert.ThrowsAsync<RpcException>(() => platform.Routing.GetTeamBoardAsync(new GetTeamBoardRequest { Team = "customer-care", PageToken = billingToken }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, otherList.StatusCode);
        var negative = await Assert.ThrowsAsync<RpcException>(() => supervisor.GetTeamBoardAsync(new GetTeamBoardRequest { PageSize = -1 }).ResponseAsync);
        Assert.Contains("page_size", negative.Status.Detail);
    }
}

/// <summary>Approvals awaiting me: what a supervisor and a manager each see, by their limits.</summary>
[Collection(PlatformCollection.Name)]
public sealed class PendingApprovalsTests(PlatformFixture platform)
{
    [Fact]
    public async Task Each_approver_sees_the_remedies_within_their_limit_and_never_their_own()
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.AgentId.Length > 0, TimeSpan.FromSeconds(60));
        var agent = platform.ResolutionAs(assigned.AgentId);
        // 800 CNY is above an agent's 200 and within a supervisor's 1000; 3000 needs a manager.
        var small = await agent.ProposeRemedyAsync(new Contracts.Resolution.V1.ProposeRemedyRequest
        {
            ComplaintId = filed.ComplaintId, Kind = Contracts.Resolution.V1.RemedyKind.Refund, Amount = "800", Description = "Refund of the fees and the interest",
        });
        var large = await agent.ProposeRemedyAsync(new Contracts.Resolution.V1.ProposeRemedyRequest
        {
            ComplaintId = filed.ComplaintId, Kind = Contracts.Resolution.V1.RemedyKind.ValueAdded, Amount = "3000", Description = "A year of fee-free service",
        });
        Assert.Equal(("supervisor", "manager"), (small.RequiresApprovalFrom, large.RequiresApprovalFrom));

        // Resolution learns of the case from routing's events; wait until its case file exists.
        Contracts.Resolution.V1.ListPendingApprovalsResponse supervisor = new();
        await PlatformFixture.UntilAsync(async () =>
            (supervisor = await platform.ResolutionAs("sup-billing").ListPendingApprovalsAsync(new Contracts.Resolution.V1.ListPendingApprovalsRequest()))
                .Approvals.Any(a => a.ComplaintId == filed.ComplaintId),
            "the supervisor sees the remedy awaiting approval");
        var ours = supervisor.Approvals.Where(a => a.ComplaintId == filed.ComplaintId).ToList();
        var pending = Assert.Single(ours);
        Assert.Equal((small.RemedyId, "800.00", assigned.AgentId), (pending.RemedyId, pending.Amount, pending.ProposedBy));

        var manager = await platform.ResolutionAs("mgr-care").ListPendingApprovalsAsync(new Contracts.Resolution.V1.ListPendingApprovalsRequest());
        Assert.Equal(new[] { small.RemedyId, large.RemedyId }.Order(), manager.Approvals.Where(a => a.ComplaintId == filed.ComplaintId).Select(a => a.RemedyId).Order());

        var otherTeam = await platform.ResolutionAs("sup-care").ListPendingApprovalsAsync(new Contracts.Resolution.V1.ListPendingApprovalsRequest());
        Assert.DoesNotContain(otherTeam.Approvals, a => a.ComplaintId == filed.ComplaintId);

        // Once decided, it leaves the list.
        await platform.ResolutionAs("sup-billing").DecideApprovalAsync(new Contracts.Resolution.V1.DecideApprovalRequest
        {
            ComplaintId = filed.ComplaintId, RemedyId = small.RemedyId, Approve = true, Reason = "the interest was our error",
        });
        var after = await platform.ResolutionAs("sup-billing").ListPendingApprovalsAsync(new Contracts.Resolution.V1.ListPendingApprovalsRequest());
        Assert.DoesNotContain(after.Approvals, a => a.ComplaintId == filed.ComplaintId);
    }
}

/// <summary>KPI series for trends and per-agent figures, from follow-up's facts.</summary>
[Collection(PlatformCollection.Name)]
public sealed class KpiSeriesTests(PlatformFixture platform)
{
    [Fact]
    public async Task Kpis_come_as_a_daily_series_and_per_agent()
    {
        // The fake clock stands still between advances: move it so these two complaints alone are filed at their instants.
        platform.Clock.Advance(TimeSpan.FromSeconds(11));
        var first = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));
        platform.Clock.Advance(TimeSpan.FromDays(1));
        var second = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "快递三天了还没送到，一直没人联系我"));
        var assigned = await platform.WaitForComplaintAsync(first.ComplaintId, c => c.AgentId.Length > 0, TimeSpan.FromSeconds(60));
        await platform.WaitForComplaintAsync(second.ComplaintId, c => c.AgentId.Length > 0, TimeSpan.FromSeconds(60));
        var period = (From: first.FiledAt, To: Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(second.FiledAt.ToDateTimeOffset().AddMilliseconds(1)));
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        string Day(Google.Protobuf.WellKnownTypes.Timestamp at) => TimeZoneInfo.ConvertTime(at.ToDateTimeOffset(), shanghai).ToString("yyyy-MM-dd");

        Contracts.Followup.V1.GetKpisResponse daily = new();
        await PlatformFixture.UntilAsync(async () => (daily = await platform.Followup.GetKpisAsync(new Contracts.Followup.V1.GetKpisRequest
        {
            From = period.From, To = period.To, GroupBy = Contracts.Followup.V1.KpiGrouping.Day,
        })).Kpis[0].Complaints == 2, "follow-up has both complaints' facts");

        Assert.Equal(["all", Day(first.FiledAt), Day(second.FiledAt)], daily.Kpis.Select(k => k.Group));
        Assert.All(daily.Kpis.Skip(1), k => Assert.Equal(1, k.Complaints));

        // Follow-up refolds the facts on every event: the owner arrives with the assignment.
        await PlatformFixture.UntilAsync(async () => (await platform.Followup.GetKpisAsync(new Contracts.Followup.V1.GetKpisRequest
        {
            From = period.From, To = period.To, GroupBy = Contracts.Followup.V1.KpiGrouping.Agent,
        })).Kpis.Any(k => k.Group == assigned.AgentId && k.Complaints == 1), "a per-agent figure for the first complaint's agent");
    }
}

/// <summary>Call-backs due today: the agent's own list and the supervisor's team's, until the call is made.</summary>
[Collection(PlatformCollection.Name)]
public sealed class CallbacksDueTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_callback_shows_when_due_for_its_agent_and_supervisor_and_leaves_once_the_survey_is_recorded()
    {
        var (id, agent) = await Journeys.ResolvedAsync(platform, Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));
        await PlatformFixture.UntilAsync(async () => (await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id }))
            .History.Any(h => h.EventType == "callback_scheduled"), "the call-back is scheduled");
        var early = await platform.FollowupAs(agent).ListCallbacksDueAsync(new Contracts.Followup.V1.ListCallbacksDueRequest());
        Assert.DoesNotContain(early.Callbacks, c => c.ComplaintId == id);

        platform.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        var due = await platform.FollowupAs(agent).ListCallbacksDueAsync(new Contracts.Followup.V1.ListCallbacksDueRequest());
        var call = Assert.Single(due.Callbacks, c => c.ComplaintId == id);
        Assert.True(call.Overdue);
        Assert.Equal(agent, call.AgentId);
        Assert.Contains((await platform.FollowupAs("sup-billing").ListCallbacksDueAsync(new Contracts.Followup.V1.ListCallbacksDueRequest())).Callbacks, c => c.ComplaintId == id);
        Assert.DoesNotContain((await platform.FollowupAs("sup-care").ListCallbacksDueAsync(new Contracts.Followup.V1.ListCallbacksDueRequest())).Callbacks, c => c.ComplaintId == id);
        var otherAgent = agent == "bill-01" ? "bill-02" : "bill-01";
        Assert.DoesNotContain((await platform.FollowupAs(otherAgent).ListCallbacksDueAsync(new Contracts.Followup.V1.ListCallbacksDueRequest())).Callbacks, c => c.ComplaintId == id);

        await platform.FollowupAs(agent).RecordSurveyAsync(new Contracts.Followup.V1.RecordSurveyRequest { ComplaintId = id, Timeliness = 5, Solution = 5, Attitude = 5, Nps = 9 });
        await PlatformFixture.UntilAsync(async () => !(await platform.FollowupAs(agent).ListCallbacksDueAsync(new Contracts.Followup.V1.ListCallbacksDueRequest()))
            .Callbacks.Any(c => c.ComplaintId == id), "the call made leaves the list");
    }
}

/// <summary>The period's complaints as CSV for management and regulators' returns, without personal data.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ComplaintsCsvTests(PlatformFixture platform)
{
    [Fact]
    public async Task The_csv_has_a_line_per_complaint_with_its_type_times_and_outcome_and_no_personal_data()
    {
        platform.Clock.Advance(TimeSpan.FromSeconds(17));
        var request = Requests.Valid(Channel.Email, "I was charged a fee twice on my bill.");
        var (id, _) = await Journeys.ResolvedAsync(platform, request);
        var complaint = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        var period = new Contracts.Followup.V1.ExportComplaintsCsvRequest
        {
            From = complaint.FiledAt, To = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(complaint.FiledAt.ToDateTimeOffset().AddMilliseconds(1)),
        };

        Contracts.Followup.V1.ExportComplaintsCsvResponse export = new();
        await PlatformFixture.UntilAsync(async () => (export = await platform.FollowupAs("mgr-care").ExportComplaintsCsvAsync(period)).Csv.Contains(",resolved,"),
            "the resolved complaint in the export");
        var lines = export.Csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("complaint_number,filed_at,category,kind,priority,team,outcome,hours_to_resolve", lines[0]);
        var row = Assert.Single(lines.Skip(1)).Split(',');
        Assert.Equal((complaint.ComplaintNumber, "billing_fees", "transactional", "billing", "resolved"), (row[0], row[2], row[3], row[5], row[6]));
        Assert.True(double.Parse(row[7], System.Globalization.CultureInfo.InvariantCulture) >= 0);
        Assert.DoesNotContain(request.Customer.Name, export.Csv);
        Assert.DoesNotContain(request.Customer.CustomerId, export.Csv);
        Assert.DoesNotContain("charged a fee", export.Csv);
    }
}
