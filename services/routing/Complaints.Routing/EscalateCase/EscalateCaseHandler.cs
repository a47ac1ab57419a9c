using Complaints.Contracts.Events;
using Complaints.Contracts.Routing.V1;
using Complaints.Routing.Assignment;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Marten;

namespace Complaints.Routing.EscalateCase;

/// <summary>
/// A supervisor (their team's cases) or a manager escalates an open case by hand, one or more tiers
/// at once, with the reason: the brief's escalation to someone with more authority over remedies. The
/// person at the new tier owns the case; the agent's load is released.
/// </summary>
public sealed class EscalateCaseHandler(IDocumentSession session, TeamDirectory teams, StaffText staffText, TimeProvider clock)
{
    public async Task<EscalateCaseResponse> HandleAsync(EscalateCaseRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(request.ComplaintId, out var complaintId)) violations.Add("complaint_id", "is not a complaint id");
        var toTier = request.ToTier switch
        {
            EscalationTier.Supervisor => Tiers.Supervisor,
            EscalationTier.Manager => Tiers.Manager,
            EscalationTier.Crisis => Tiers.Crisis,
            _ => null,
        };
        if (toTier is null) violations.Add("to_tier", "must be supervisor, manager or crisis");
        if (string.IsNullOrWhiteSpace(request.Reason)) violations.Add("reason", "is required: say why the case goes up");
        violations.ThrowIfAny();

        var (openCase, version) = await CaseAction.LoadAsync(session, complaintId, caller,
            c => c.Team == caller.Team, $"a supervisor escalates the cases of their own team ({caller.Team})",
            "The complaint is resolved; there is nothing to escalate", cancellationToken);
        if (!Tiers.IsAbove(toTier!, openCase.Tier))
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"The case is already at the {openCase.Tier} tier; escalation only goes up"));
        var assignee = Tiers.AssigneeAt(toTier!, teams[openCase.Team], teams);
        var reason = await staffText.SealAsync(complaintId, $"escalated by hand by {caller.Subject}: {request.Reason.Trim()}", cancellationToken);
        var escalated = new ComplaintEscalated(complaintId, openCase.Tier, toTier!, reason, assignee, clock.GetUtcNow());
        await Escalation.ReleaseAgentLoadAsync(session, openCase, cancellationToken);
        openCase.Tier = toTier!;
        openCase.AssigneeId = assignee;
        session.Store(openCase);

        session.StampTraceContext();
        session.StampActor(caller.Subject, caller.Role);
        session.Events.Append(complaintId, version + 1, escalated);
        await session.SaveChangesAsync(cancellationToken);
        return new EscalateCaseResponse { Tier = toTier, AssigneeId = assignee };
    }
}
