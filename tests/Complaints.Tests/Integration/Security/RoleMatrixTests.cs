using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.Contracts.Routing.V1;
using Complaints.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace Complaints.Tests.Integration.Security;

/// <summary>
/// The role x RPC matrix of docs/security.md, over real gRPC with real tokens from the issuer: for
/// every RPC, a caller without a token gets Unauthenticated, every role not in the matrix gets
/// PermissionDenied, and every role in it gets through to the RPC (OK, or the RPC's own answer to
/// the harmless request: NotFound, InvalidArgument; never Unauthenticated or PermissionDenied).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RoleMatrixTests(PlatformFixture platform)
{
    /// <summary>One demo identity per role.</summary>
    private static readonly Dictionary<string, string> IdentityOf = new()
    {
        ["channel"] = "channel-phone", ["agent"] = "care-01", ["supervisor"] = "sup-care", ["manager"] = "mgr-care",
        ["committee"] = "committee-01", ["analyst"] = "analyst-01", ["privacy_officer"] = "privacy-01", ["auditor"] = "auditor-01",
    };

    private const string CaseWorkers = "agent supervisor manager committee";
    private const string Readers = CaseWorkers + " analyst privacy_officer auditor";
    private const string Reporting = "supervisor manager committee analyst auditor";

    private sealed record Rpc(string Name, string Service, string AllowedRoles, Func<GrpcChannel, Task> Call);

    private static readonly string Unknown = Guid.NewGuid().ToString();

    /// <summary>The matrix: each RPC, the roles that may call it, and a harmless request.</summary>
    private static readonly Rpc[] Rpcs =
    [
        new("Intake.FileComplaint", "intake", "channel", c => new Contracts.Intake.V1.Intake.IntakeClient(c).FileComplaintAsync(new FileComplaintRequest()).ResponseAsync),
        new("Intake.GetComplaint", "intake", "channel " + Readers, c => new Contracts.Intake.V1.Intake.IntakeClient(c).GetComplaintAsync(new GetComplaintRequest { ComplaintId = Unknown }).ResponseAsync),
        new("Intake.ListCustomerComplaints", "intake", Readers, c => new Contracts.Intake.V1.Intake.IntakeClient(c).ListCustomerComplaintsAsync(new ListCustomerComplaintsRequest { CustomerId = "nobody" }).ResponseAsync),
        new("Intake.EraseCustomerData", "intake", "privacy_officer", c => new Contracts.Intake.V1.Intake.IntakeClient(c).EraseCustomerDataAsync(new EraseCustomerDataRequest { CustomerId = "nobody" }).ResponseAsync),
        new("Audit.GetComplaintHistory", "intake", "auditor", c => new Contracts.Audit.V1.Audit.AuditClient(c).GetComplaintHistoryAsync(new Contracts.Audit.V1.GetComplaintHistoryRequest { Complaint = Unknown }).ResponseAsync),
        new("Audit.ExportComplaints", "intake", "auditor", async c =>
        {
            using var call = new Contracts.Audit.V1.Audit.AuditClient(c).ExportComplaints(new Contracts.Audit.V1.ExportComplaintsRequest
            {
                Scope = new Contracts.Audit.V1.ComplaintScope { CustomerId = "nobody" },
            });
            while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
        }),
        new("Audit.VerifyComplaints", "intake", "auditor", c => new Contracts.Audit.V1.Audit.AuditClient(c).VerifyComplaintsAsync(new Contracts.Audit.V1.VerifyComplaintsRequest
        {
            Scope = new Contracts.Audit.V1.ComplaintScope { CustomerId = "nobody" },
        }).ResponseAsync),
        new("Audit.ListPersonalDataReads", "intake", "auditor", c => new Contracts.Audit.V1.Audit.AuditClient(c).ListPersonalDataReadsAsync(new Contracts.Audit.V1.ListPersonalDataReadsRequest { Limit = 1 }).ResponseAsync),
        new("Routing.ListAgentCases", "routing", "agent supervisor manager auditor", c => new Contracts.Routing.V1.Routing.RoutingClient(c).ListAgentCasesAsync(new ListAgentCasesRequest()).ResponseAsync),
        new("Routing.ReassignCase", "routing", "supervisor manager", c => new Contracts.Routing.V1.Routing.RoutingClient(c).ReassignCaseAsync(new Contracts.Routing.V1.ReassignCaseRequest { ComplaintId = Unknown, AgentId = "bill-01", Reason = "r" }).ResponseAsync),
        new("Routing.ExtendRegulatoryClock", "routing", "supervisor manager", c => new Contracts.Routing.V1.Routing.RoutingClient(c).ExtendRegulatoryClockAsync(new Contracts.Routing.V1.ExtendRegulatoryClockRequest { ComplaintId = Unknown, Clock = "cn-decision", Reason = Contracts.Routing.V1.RegulatoryExtensionReason.AwaitingCustomer }).ResponseAsync),
        new("Routing.EscalateCase", "routing", "supervisor manager", c => new Contracts.Routing.V1.Routing.RoutingClient(c).EscalateCaseAsync(new Contracts.Routing.V1.EscalateCaseRequest { ComplaintId = Unknown, ToTier = Contracts.Routing.V1.EscalationTier.Manager, Reason = "r" }).ResponseAsync),
        new("Routing.GetTeamBoard", "routing", "supervisor manager", c => new Contracts.Routing.V1.Routing.RoutingClient(c).GetTeamBoardAsync(new Contracts.Routing.V1.GetTeamBoardRequest()).ResponseAsync),
        new("Routing.CorrectTriage", "routing", "agent supervisor manager", c => new Contracts.Routing.V1.Routing.RoutingClient(c).CorrectTriageAsync(new Contracts.Routing.V1.CorrectTriageRequest { ComplaintId = Unknown, Kind = "attitude", Reason = "r" }).ResponseAsync),
        new("Resolution.ListQueue", "resolution", CaseWorkers, c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).ListQueueAsync(new ListQueueRequest()).ResponseAsync),
        new("Resolution.SendFirstResponse", "resolution", CaseWorkers, c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).SendFirstResponseAsync(new SendFirstResponseRequest { ComplaintId = Unknown, Channel = "phone", Message = "m" }).ResponseAsync),
        new("Resolution.RecordContact", "resolution", CaseWorkers, c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).RecordContactAsync(new RecordContactRequest { ComplaintId = Unknown, Channel = "phone", Note = "n" }).ResponseAsync),
        new("Resolution.RecordFinding", "resolution", CaseWorkers, c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).RecordFindingAsync(new RecordFindingRequest { ComplaintId = Unknown, Finding = "f" }).ResponseAsync),
        new("Resolution.ProposeRemedy", "resolution", CaseWorkers, c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).ProposeRemedyAsync(new ProposeRemedyRequest { ComplaintId = Unknown, Kind = RemedyKind.Apology, Description = "d" }).ResponseAsync),
        new("Resolution.ListPendingApprovals", "resolution", "supervisor manager committee", c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).ListPendingApprovalsAsync(new ListPendingApprovalsRequest()).ResponseAsync),
        new("Resolution.HandToDepartment", "resolution", CaseWorkers, c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).HandToDepartmentAsync(new HandToDepartmentRequest { ComplaintId = Unknown, Department = "finance", Request = "r" }).ResponseAsync),
        new("Resolution.RecordDepartmentAnswer", "resolution", CaseWorkers, c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).RecordDepartmentAnswerAsync(new RecordDepartmentAnswerRequest { ComplaintId = Unknown, TaskId = Unknown, Answer = "a" }).ResponseAsync),
        new("Resolution.RecordDepartmentHandBack", "resolution", CaseWorkers, c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).RecordDepartmentHandBackAsync(new RecordDepartmentHandBackRequest { ComplaintId = Unknown, TaskId = Unknown, Reason = "r" }).ResponseAsync),
        new("Resolution.DecideApproval", "resolution", "supervisor manager committee", c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).DecideApprovalAsync(new DecideApprovalRequest { ComplaintId = Unknown, RemedyId = Unknown, Reason = "r" }).ResponseAsync),
        new("Resolution.RecordCustomerDecision", "resolution", CaseWorkers, c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest { ComplaintId = Unknown, RemedyId = Unknown, PreferredRemedy = "p" }).ResponseAsync),
        new("Resolution.SendProgressUpdate", "resolution", CaseWorkers, c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).SendProgressUpdateAsync(new SendProgressUpdateRequest { ComplaintId = Unknown, Channel = "phone", Message = "m" }).ResponseAsync),
        new("Resolution.CheckWording", "resolution", CaseWorkers + " analyst", c => new Contracts.Resolution.V1.Resolution.ResolutionClient(c).CheckWordingAsync(new CheckWordingRequest { Message = "Hello" }).ResponseAsync),
        new("Followup.RecordSurvey", "followup", CaseWorkers, c => new Contracts.Followup.V1.Followup.FollowupClient(c).RecordSurveyAsync(new RecordSurveyRequest { ComplaintId = Unknown, Timeliness = 5, Solution = 5, Attitude = 5 }).ResponseAsync),
        new("Followup.RecordCallbackAttempt", "followup", CaseWorkers, c => new Contracts.Followup.V1.Followup.FollowupClient(c).RecordCallbackAttemptAsync(new RecordCallbackAttemptRequest { ComplaintId = Unknown, Channel = "phone" }).ResponseAsync),
        new("Followup.RecordRootCause", "followup", "analyst", c => new Contracts.Followup.V1.Followup.FollowupClient(c).RecordRootCauseAsync(new RecordRootCauseRequest { ComplaintId = Unknown }).ResponseAsync),
        new("Followup.LinkToImprovementAction", "followup", "analyst", c => new Contracts.Followup.V1.Followup.FollowupClient(c).LinkToImprovementActionAsync(new LinkToImprovementActionRequest { ComplaintId = Unknown, ActionId = Unknown }).ResponseAsync),
        new("Followup.GetImprovementAction", "followup", Reporting, c => new Contracts.Followup.V1.Followup.FollowupClient(c).GetImprovementActionAsync(new GetImprovementActionRequest { ActionId = Unknown }).ResponseAsync),
        new("Followup.WriteCaseSummary", "followup", CaseWorkers + " analyst", c => new Contracts.Followup.V1.Followup.FollowupClient(c).WriteCaseSummaryAsync(new WriteCaseSummaryRequest { ComplaintId = Unknown, MaskedDescription = "m", HandlingSummary = "h" }).ResponseAsync),
        new("Followup.SearchCaseLibrary", "followup", "agent " + Reporting, c => new Contracts.Followup.V1.Followup.FollowupClient(c).SearchCaseLibraryAsync(new SearchCaseLibraryRequest()).ResponseAsync),
        new("Followup.CompleteImprovementAction", "followup", "analyst", c => new Contracts.Followup.V1.Followup.FollowupClient(c).CompleteImprovementActionAsync(new CompleteImprovementActionRequest { ActionId = Unknown, Outcome = "done" }).ResponseAsync),
        new("Followup.ExportComplaintsCsv", "followup", Reporting, c => new Contracts.Followup.V1.Followup.FollowupClient(c).ExportComplaintsCsvAsync(new ExportComplaintsCsvRequest
        {
            From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)), To = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }).ResponseAsync),
        new("Followup.ListCallbacksDue", "followup", CaseWorkers, c => new Contracts.Followup.V1.Followup.FollowupClient(c).ListCallbacksDueAsync(new ListCallbacksDueRequest()).ResponseAsync),
        new("Followup.ListSuggestions", "followup", Reporting, c => new Contracts.Followup.V1.Followup.FollowupClient(c).ListSuggestionsAsync(new ListSuggestionsRequest
        {
            From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)), To = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }).ResponseAsync),
        new("Followup.GetKpis", "followup", Reporting, c => new Contracts.Followup.V1.Followup.FollowupClient(c).GetKpisAsync(new GetKpisRequest
        {
            From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)), To = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }).ResponseAsync),
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var rpc in Rpcs)
            foreach (var role in IdentityOf.Keys.Prepend("anonymous"))
                data.Add(rpc.Name, role);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_rpc_answers_each_role_as_the_matrix_says(string rpcName, string role)
    {
        var rpc = Rpcs.Single(r => r.Name == rpcName);
        var app = rpc.Service switch
        {
            "intake" => platform.IntakeApp, "routing" => platform.RoutingApp, "resolution" => platform.ResolutionApp, _ => platform.FollowupApp,
        };
        var channel = role == "anonymous" ? platform.Anonymous(app) : platform.ChannelAs(app, IdentityOf[role]);

        var status = StatusCode.OK;
        var detail = "";
        try { await rpc.Call(channel); }
        catch (RpcException ex) { (status, detail) = (ex.StatusCode, ex.Status.Detail); }

        if (role == "anonymous")
            Assert.Equal(StatusCode.Unauthenticated, status);
        else if (rpc.AllowedRoles.Split(' ').Contains(role))
            Assert.True(status is StatusCode.OK or StatusCode.NotFound or StatusCode.InvalidArgument,
                $"{role} may call {rpcName} but got {status}: {detail}");
        else
        {
            Assert.Equal(StatusCode.PermissionDenied, status);
            Assert.Contains("may not call", detail);
        }
    }

    [Fact]
    public async Task Health_checks_need_no_token_and_reflection_is_off_unless_configured()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(platform.Anonymous(platform.IntakeApp));
        // Answered, not refused (the status itself is the health publisher's business).
        var reply = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "live" });
        Assert.True(System.Enum.IsDefined(reply.Status));

        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(platform.ChannelAs(platform.IntakeApp, "auditor-01"));
        using var call = reflection.ServerReflectionInfo();
        // Only the answer is read: the server refuses the call when it opens, so a request written
        // after that refusal would race it and fail as Cancelled on the client's side instead.
        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unimplemented, refused.StatusCode);
    }
}
