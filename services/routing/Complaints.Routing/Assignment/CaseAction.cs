using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Marten;

namespace Complaints.Routing.Assignment;

/// <summary>The open case a supervisor or manager acts on (reassign, escalate), with the guards every such action shares.</summary>
public static class CaseAction
{
    /// <summary>
    /// Loads the case and its stream version: NotFound for no routed complaint, PermissionDenied when a
    /// supervisor may not act on it (<paramref name="supervisorMay"/>), FailedPrecondition once resolved.
    /// </summary>
    public static async Task<(OpenCase Case, long Version)> LoadAsync(
        IDocumentSession session, Guid complaintId, Caller caller, Func<OpenCase, bool> supervisorMay, string supervisorRule, string whenResolved,
        CancellationToken cancellationToken)
    {
        var openCase = await session.LoadAsync<OpenCase>(complaintId, cancellationToken)
                       ?? throw new RpcException(new Status(StatusCode.NotFound, $"No routed complaint {complaintId}"));
        caller.Require(!caller.Is(Roles.Supervisor) || supervisorMay(openCase), supervisorRule);
        if (!openCase.Open) throw new RpcException(new Status(StatusCode.FailedPrecondition, whenResolved));
        var stream = await session.Events.FetchStreamStateAsync(complaintId, cancellationToken)
                     ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint {complaintId}"));
        return (openCase, stream.Version);
    }
}
