using Complaints.Contracts.Routing.V1;
using Complaints.Routing.AgentCases;
using Complaints.Routing.CorrectTriage;
using Complaints.Routing.EscalateCase;
using Complaints.Routing.ExtendRegulatoryClock;
using Complaints.Routing.ReassignCase;
using Complaints.Routing.TeamBoard;
using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Routing;

/// <summary>The gRPC surface of routing; each RPC names the roles that may call it (docs/security.md) and hands over to its slice.</summary>
public sealed class RoutingApi(IServiceProvider services) : Contracts.Routing.V1.Routing.RoutingBase
{
    [Authorize(Roles = Roles.Agent + "," + Roles.Supervisor + "," + Roles.Manager + "," + Roles.Auditor)]
    public override Task<ListAgentCasesResponse> ListAgentCases(ListAgentCasesRequest request, ServerCallContext context) =>
        services.GetRequiredService<ListAgentCasesHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Agent + "," + Roles.Supervisor + "," + Roles.Manager)]
    public override Task<CorrectTriageResponse> CorrectTriage(CorrectTriageRequest request, ServerCallContext context) =>
        services.GetRequiredService<CorrectTriageHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Supervisor + "," + Roles.Manager)]
    public override Task<ReassignCaseResponse> ReassignCase(ReassignCaseRequest request, ServerCallContext context) =>
        services.GetRequiredService<ReassignCaseHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Supervisor + "," + Roles.Manager)]
    public override Task<EscalateCaseResponse> EscalateCase(EscalateCaseRequest request, ServerCallContext context) =>
        services.GetRequiredService<EscalateCaseHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Supervisor + "," + Roles.Manager)]
    public override Task<GetTeamBoardResponse> GetTeamBoard(GetTeamBoardRequest request, ServerCallContext context) =>
        services.GetRequiredService<GetTeamBoardHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Supervisor + "," + Roles.Manager)]
    public override Task<ExtendRegulatoryClockResponse> ExtendRegulatoryClock(ExtendRegulatoryClockRequest request, ServerCallContext context) =>
        services.GetRequiredService<ExtendRegulatoryClockHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);
}
