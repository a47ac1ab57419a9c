using Complaints.Contracts.Routing.V1;
using Complaints.Routing.AgentCases;
using Grpc.Core;

namespace Complaints.Routing;

/// <summary>The gRPC surface of routing; each RPC hands over to its use-case slice.</summary>
public sealed class RoutingApi(IServiceProvider services) : Contracts.Routing.V1.Routing.RoutingBase
{
    public override Task<ListAgentCasesResponse> ListAgentCases(ListAgentCasesRequest request, ServerCallContext context) =>
        services.GetRequiredService<ListAgentCasesHandler>().HandleAsync(request, context.CancellationToken);
}
