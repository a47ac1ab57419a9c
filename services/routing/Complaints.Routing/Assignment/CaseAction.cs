using Complaints.Domain.Rules;
using Complaints.ServiceDefaults.Security;
using Marten;

namespace Complaints.Routing.Assignment;

/// <summary>
/// The open case a supervisor or manager acts on (reassign, escalate, extend a clock), read in the
/// writer's session, with the guards every such action shares.
/// </summary>
public static class CaseAction
{
    /// <summary>Routing's view of the case, read for this attempt; NotFound when routing never routed it.</summary>
    public static async Task<OpenCase> LoadAsync(IDocumentSession session, Guid complaintId, CancellationToken cancellationToken) =>
        await session.LoadAsync<OpenCase>(complaintId, cancellationToken) ?? throw Rejection.NotFound($"No routed complaint {complaintId}");

    /// <summary>PermissionDenied when a supervisor may not act on it (<paramref name="supervisorMay"/>), FailedPrecondition once resolved.</summary>
    public static void Require(OpenCase openCase, Caller caller, Func<OpenCase, bool> supervisorMay, string supervisorRule, string whenResolved)
    {
        caller.Require(!caller.Is(Roles.Supervisor) || supervisorMay(openCase), supervisorRule);
        Rejection.Require(openCase.Open, whenResolved);
    }
}
