using System.Globalization;
using System.Runtime.CompilerServices;
using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.Contracts.Routing.V1;
using Complaints.ServiceDefaults;
using Complaints.Tests.Infrastructure;
using Grpc.Core;

namespace Complaints.Tests.Integration.Security;

/// <summary>
/// The per-case rules on every RPC that acts on or reads one case (or one customer's cases): on an
/// assigned billing complaint, an agent (care-01) and a supervisor (sup-care) of another team
/// (customer-care) are refused with PermissionDenied (by the per-case rule where their role may call
/// the RPC, by the role policy where it may not), or, for the lists, answered with nothing of the
/// case; and the complaint's history gains no event from any of it. One complaint serves every case.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PerCaseRuleTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>An agent and a supervisor of customer-care: the complaint is billing's.</summary>
    private static readonly string[] Callers = ["care-01", "sup-care"];

    private const string CaseWorkers = "agent supervisor manager committee";

    /// <summary>What the caller of another team gets.</summary>
    private enum Outcome
    {
        /// <summary>PermissionDenied.</summary>
        Denied,
        /// <summary>OK, with an empty list: not even that the customer exists.</summary>
        EmptyList,
        /// <summary>OK, with a list that does not hold the complaint.</summary>
        ListWithoutIt,
    }

    private sealed record Target(PlatformFixture Platform, string Caller, GetComplaintResponse Complaint)
    {
        public string Id => Complaint.ComplaintId;
    }

    /// <summary>
    /// An RPC, the roles its policy admits (docs/security.md), what an agent and a supervisor of
    /// another team get, and a valid request on the complaint (so that nothing but the rule refuses
    /// it). The call returns the complaint ids a list answered with (none for the other RPCs).
    /// </summary>
    private sealed record Rpc(string Name, string AllowedRoles, Outcome ToAgent, Outcome ToSupervisor, Func<Target, Task<IReadOnlyList<string>>> Invoke);

    private static readonly Rpc[] Rpcs =
    [
        new("Intake.GetComplaint", "channel " + CaseWorkers + " analyst privacy_officer auditor", Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.IntakeAs(t.Caller).GetComplaintAsync(new GetComplaintRequest { ComplaintId = t.Id }).ResponseAsync)),
        // The customer's history: neither may read any of this customer's complaints, so the list is empty.
        new("Intake.ListCustomerComplaints", CaseWorkers + " analyst privacy_officer auditor", Outcome.EmptyList, Outcome.EmptyList,
            t => Listed(t.Platform.IntakeAs(t.Caller).ListCustomerComplaintsAsync(new ListCustomerComplaintsRequest { CustomerId = t.Complaint.CustomerId }).ResponseAsync,
                r => r.Complaints.Select(c => c.ComplaintId))),
        new("Audit.GetComplaintHistory", "auditor", Outcome.Denied, Outcome.Denied,
            t => Done(new Contracts.Audit.V1.Audit.AuditClient(t.Platform.ChannelAs(t.Platform.IntakeApp, t.Caller))
                .GetComplaintHistoryAsync(new Contracts.Audit.V1.GetComplaintHistoryRequest { Complaint = t.Id }).ResponseAsync)),

        new("Routing.CorrectTriage", "agent supervisor manager", Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.RoutingAs(t.Caller).CorrectTriageAsync(new CorrectTriageRequest
            {
                ComplaintId = t.Id, Kind = "attitude", Reason = "The customer complains about how they were treated, not about the fee.",
            }).ResponseAsync)),
        // To an agent of the caller's own team: moving the case into one's team is no way in either.
        new("Routing.ReassignCase", "supervisor manager", Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.RoutingAs(t.Caller).ReassignCaseAsync(new ReassignCaseRequest
            {
                ComplaintId = t.Id, AgentId = "care-02", Reason = "care-02 has room today.",
            }).ResponseAsync)),
        new("Routing.EscalateCase", "supervisor manager", Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.RoutingAs(t.Caller).EscalateCaseAsync(new EscalateCaseRequest
            {
                ComplaintId = t.Id, ToTier = EscalationTier.Manager, Reason = "The customer asks for a manager.",
            }).ResponseAsync)),
        new("Routing.ListAgentCases", "agent supervisor manager auditor", Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.RoutingAs(t.Caller).ListAgentCasesAsync(new ListAgentCasesRequest { AgentId = t.Complaint.AgentId }).ResponseAsync)),

        new("Resolution.SendFirstResponse", CaseWorkers, Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.ResolutionAs(t.Caller).SendFirstResponseAsync(new SendFirstResponseRequest
            {
                ComplaintId = t.Id, Channel = "phone", Message = "I am sorry about the double charge. I will check your bill and call you back within 2 hours.",
            }).ResponseAsync)),
        new("Resolution.RecordContact", CaseWorkers, Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.ResolutionAs(t.Caller).RecordContactAsync(new RecordContactRequest
            {
                ComplaintId = t.Id, Channel = "phone", Reached = true, Note = "Called the customer about the fee charged twice on the bill.",
            }).ResponseAsync)),
        new("Resolution.RecordFinding", CaseWorkers, Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.ResolutionAs(t.Caller).RecordFindingAsync(new RecordFindingRequest
            {
                ComplaintId = t.Id, Finding = "The billing batch posted the fee twice.",
            }).ResponseAsync)),
        new("Resolution.ProposeRemedy", CaseWorkers, Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.ResolutionAs(t.Caller).ProposeRemedyAsync(new ProposeRemedyRequest
            {
                ComplaintId = t.Id, Kind = RemedyKind.Refund, Amount = "20", Description = "Refund of the fee charged twice.",
            }).ResponseAsync)),
        new("Resolution.RecordCustomerDecision", CaseWorkers, Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.ResolutionAs(t.Caller).RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest
            {
                ComplaintId = t.Id, RemedyId = Guid.NewGuid().ToString(), Accepted = true,
                Confirmation = "As agreed today, the fee charged twice is refunded to your account within 3 working days.", ConfirmationChannel = "email",
            }).ResponseAsync)),
        new("Resolution.SendProgressUpdate", CaseWorkers, Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.ResolutionAs(t.Caller).SendProgressUpdateAsync(new SendProgressUpdateRequest
            {
                ComplaintId = t.Id, Channel = "sms", Message = "Your refund is with the billing team; I will call you tomorrow at 10 am.",
            }).ResponseAsync)),
        new("Resolution.HandToDepartment", CaseWorkers, Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.ResolutionAs(t.Caller).HandToDepartmentAsync(new HandToDepartmentRequest
            {
                ComplaintId = t.Id, Department = "finance", Request = "Please reverse the duplicate fee on this bill.",
            }).ResponseAsync)),
        new("Resolution.RecordDepartmentAnswer", CaseWorkers, Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.ResolutionAs(t.Caller).RecordDepartmentAnswerAsync(new RecordDepartmentAnswerRequest
            {
                ComplaintId = t.Id, TaskId = Guid.NewGuid().ToString(), Answer = "The duplicate fee was reversed.",
            }).ResponseAsync)),
        new("Resolution.RecordDepartmentHandBack", CaseWorkers, Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.ResolutionAs(t.Caller).RecordDepartmentHandBackAsync(new RecordDepartmentHandBackRequest
            {
                ComplaintId = t.Id, TaskId = Guid.NewGuid().ToString(), Reason = "Finance needs the bill's statement number first.",
            }).ResponseAsync)),
        new("Resolution.DecideApproval", "supervisor manager committee", Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.ResolutionAs(t.Caller).DecideApprovalAsync(new DecideApprovalRequest
            {
                ComplaintId = t.Id, RemedyId = Guid.NewGuid().ToString(), Approve = true, Reason = "The refund is within policy.",
            }).ResponseAsync)),
        // An agent sees only their own queue. A supervisor may name any agent, and sees of that queue
        // only their own team's cases (docs/security.md: "their team's cases"; ListQueueHandler).
        new("Resolution.ListQueue", CaseWorkers, Outcome.Denied, Outcome.ListWithoutIt,
            t => Listed(t.Platform.ResolutionAs(t.Caller).ListWholeQueueAsync(new ListQueueRequest { AgentId = t.Complaint.AgentId }),
                r => r.Entries.Select(e => e.ComplaintId))),

        new("Followup.RecordSurvey", CaseWorkers, Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.FollowupAs(t.Caller).RecordSurveyAsync(new RecordSurveyRequest
            {
                ComplaintId = t.Id, Timeliness = 5, Solution = 5, Attitude = 5, Nps = 10, Comment = "Quick and friendly.",
            }).ResponseAsync)),
        new("Followup.RecordCallbackAttempt", CaseWorkers, Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.FollowupAs(t.Caller).RecordCallbackAttemptAsync(new RecordCallbackAttemptRequest
            {
                ComplaintId = t.Id, Channel = "phone",
            }).ResponseAsync)),
        new("Followup.WriteCaseSummary", CaseWorkers + " analyst", Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.FollowupAs(t.Caller).WriteCaseSummaryAsync(new WriteCaseSummaryRequest
            {
                ComplaintId = t.Id, MaskedDescription = "A fee was charged twice on one monthly bill.",
                HandlingSummary = "Checked the billing batch log, refunded the duplicate fee and confirmed it in writing.",
            }).ResponseAsync)),
        new("Followup.RecordRootCause", "analyst", Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.FollowupAs(t.Caller).RecordRootCauseAsync(new RecordRootCauseRequest
            {
                ComplaintId = t.Id,
                Whys = { "The fee was posted twice.", "The billing batch retried without checking what it had already posted." },
                RootCauseCategory = "system",
                Action = new ImprovementAction
                {
                    Description = "Make the billing batch's retries idempotent.", Owner = "billing-platform",
                    DueDate = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                },
            }).ResponseAsync)),
        new("Followup.LinkToImprovementAction", "analyst", Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.FollowupAs(t.Caller).LinkToImprovementActionAsync(new LinkToImprovementActionRequest
            {
                ComplaintId = t.Id, ActionId = Guid.NewGuid().ToString(),
            }).ResponseAsync)),
        // No agent_id in the request: the caller's own call-backs (an agent) or their team's (a supervisor).
        // The library by a named complaint compares that customer's words: only someone who may work the case names it.
        new("Followup.SearchCaseLibrary", "agent supervisor manager committee analyst auditor", Outcome.Denied, Outcome.Denied,
            t => Done(t.Platform.FollowupAs(t.Caller).SearchCaseLibraryAsync(new SearchCaseLibraryRequest { SimilarToComplaintId = t.Id }).ResponseAsync)),
        new("Followup.ListCallbacksDue", CaseWorkers, Outcome.ListWithoutIt, Outcome.ListWithoutIt,
            t => Listed(t.Platform.FollowupAs(t.Caller).ListCallbacksDueAsync(new ListCallbacksDueRequest()).ResponseAsync,
                r => r.Callbacks.Select(c => c.ComplaintId))),
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var rpc in Rpcs)
            foreach (var caller in Callers)
                data.Add(rpc.Name, caller);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Another_teams_agent_or_supervisor_neither_acts_on_nor_reads_the_case(string rpcName, string caller)
    {
        var rpc = Rpcs.Single(r => r.Name == rpcName);
        var complaint = await AssignedBillingComplaintAsync();
        var identity = platform.Identities[caller];
        Assert.Equal("billing", complaint.Team);
        Assert.NotEqual(complaint.Team, identity.Team);
        var before = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId });

        var status = StatusCode.OK;
        var detail = "";
        IReadOnlyList<string> listed = [];
        try { listed = await rpc.Invoke(new Target(platform, caller, complaint)); }
        catch (RpcException ex) { (status, detail) = (ex.StatusCode, ex.Status.Detail); }

        var what = $"{caller} ({identity.Role} of {identity.Team}) calling {rpcName} on team {complaint.Team}'s case held by {complaint.AgentId}";
        var expected = identity.Role == "agent" ? rpc.ToAgent : rpc.ToSupervisor;
        if (expected == Outcome.Denied)
        {
            if (status != StatusCode.PermissionDenied) Assert.Fail($"{what}: expected PermissionDenied, got {status}: {detail}");
            if (rpc.AllowedRoles.Split(' ').Contains(identity.Role))
                // The per-case rule (Caller.Require names who was refused), not the role policy.
                Assert.StartsWith($"{identity.Role} {identity.Subject}: ", detail);
            else
                Assert.Contains("may not call", detail);
        }
        else
        {
            if (status != StatusCode.OK) Assert.Fail($"{what}: expected OK with nothing of the case, got {status}: {detail}");
            if (expected == Outcome.EmptyList)
                Assert.Empty(listed);
            else
                Assert.DoesNotContain(complaint.ComplaintId, listed);
        }

        // Nothing was recorded on the complaint: its history as its channel reads it is as it was...
        var after = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId });
        var gained = after.History.Skip(before.History.Count).Select(h => h.EventType).ToList();
        Assert.True(gained.Count == 0, $"{what}: the complaint's history gained {string.Join(", ", gained)}");
        // ...and no event of its stream names the caller as its actor, from this call or any other of this class.
        await using var command = platform.Database.CreateCommand(
            $"select count(*) from {ComplaintsSettings.EventStoreSchema}.mt_events where stream_id = @id and headers->>'{MartenDefaults.ActorHeader}' = @actor");
        command.Parameters.AddWithValue("id", Guid.Parse(complaint.ComplaintId));
        command.Parameters.AddWithValue("actor", identity.Subject);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>The one complaint this class works on, filed once per fixture and shared by every case.</summary>
    private static readonly ConditionalWeakTable<PlatformFixture, Lazy<Task<GetComplaintResponse>>> Shared = new();

    private Task<GetComplaintResponse> AssignedBillingComplaintAsync() =>
        Shared.GetValue(platform, fixture => new Lazy<Task<GetComplaintResponse>>(() => Task.Run(() => FileAsync(fixture)))).Value;

    private static async Task<GetComplaintResponse> FileAsync(PlatformFixture fixture)
    {
        var filed = await fixture.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));
        return await fixture.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
    }

    private static async Task<IReadOnlyList<string>> Done<T>(Task<T> call)
    {
        await call;
        return [];
    }

    private static async Task<IReadOnlyList<string>> Listed<T>(Task<T> call, Func<T, IEnumerable<string>> ids) => ids(await call).ToList();
}
