using Complaints.Contracts.Events;
using Complaints.Contracts.Routing.V1;
using Complaints.Routing.Assignment;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Marten;

namespace Complaints.Routing.ReassignCase;

/// <summary>
/// A supervisor (within their team) or a manager moves an open case to another agent. The case keeps
/// its deadlines; the old agent's load is released and the new one's counts it (hostile cases too).
/// An agent already at the hostile-case cap takes no further hostile case: the stress rotation rule
/// (seed 003) holds for people's choices as it does for routing's. Recorded as a
/// <see cref="ComplaintAssigned"/> naming who reassigned it and why, so every queue follows.
/// </summary>
public sealed class ReassignCaseHandler(IDocumentSession session, TeamDirectory teams, StaffText staffText, TimeProvider clock)
{
    public async Task<ReassignCaseResponse> HandleAsync(ReassignCaseRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(request.ComplaintId, out var complaintId)) violations.Add("complaint_id", "is not a complaint id");
        var agentId = request.AgentId.Trim();
        var targetTeam = teams.TeamOf(agentId);
        if (targetTeam is null) violations.Add("agent_id", $"'{agentId}' is no agent of any team");
        if (string.IsNullOrWhiteSpace(request.Reason)) violations.Add("reason", "is required: say why the case moves");
        violations.ThrowIfAny();

        var (openCase, version) = await CaseAction.LoadAsync(session, complaintId, caller,
            c => c.Team == caller.Team && targetTeam == caller.Team, $"a supervisor moves cases within their own team ({caller.Team})",
            "The complaint is resolved; reopen it before moving it", cancellationToken);
        if (openCase.AssigneeId == agentId)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"{agentId} already has the case"));
        await session.BeginTransactionAsync(cancellationToken);
        await TeamLock.AcquireAsync(session, targetTeam!, cancellationToken);
        var load = await session.LoadAsync<AgentWorkload>(agentId, cancellationToken) ?? new AgentWorkload { Id = agentId };
        var shift = teams.ShiftStart(clock.GetUtcNow());
        if (openCase.Hostile && load.Hostile >= teams.HostileCasesPerAgent)
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"{agentId} already has {load.Hostile} hostile cases, the most an agent carries; choose another agent or take it yourself"));
        if (openCase.Hostile && load.HostileInShift(shift) >= teams.HostileCasesPerShift)
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"{agentId} has had {teams.HostileCasesPerShift} hostile cases this shift (stress rotation); choose another agent"));

        var previous = openCase.AssigneeId;
        var reason = await staffText.SealAsync(complaintId, $"reassigned by {caller.Subject} from {previous}: {request.Reason.Trim()}", cancellationToken);
        await Escalation.ReleaseAgentLoadAsync(session, openCase, cancellationToken);
        // An emergency stays with the crisis tier; any other case comes back to the agent tier.
        var tier = openCase.Tier == Tiers.Crisis ? Tiers.Crisis : Tiers.Agent;
        if (tier == Tiers.Agent)
        {
            load.Open++;
            if (openCase.Hostile) load.TakeHostile(shift);
            session.Store(load);
            openCase.LoadedAgentId = agentId;
        }
        var now = clock.GetUtcNow();
        var events = new List<object>();
        if (targetTeam != openCase.Team)
            events.Add(new ComplaintRouted(complaintId, targetTeam!, $"reassigned to {agentId} of {targetTeam}", now));
        events.Add(new ComplaintAssigned(complaintId, targetTeam!, agentId, tier,
            reason, openCase.FirstResponseDue, openCase.ResolutionDue, now));
        openCase.Team = targetTeam!;
        openCase.AssigneeId = agentId;
        openCase.Tier = tier;
        openCase.AssignedAt = now;
        openCase.OpenStateVersion = version + events.Count;
        session.Store(openCase);

        session.StampTraceContext();
        session.StampActor(caller.Subject, caller.Role);
        session.Events.Append(complaintId, version + events.Count, events.ToArray());
        await session.SaveChangesAsync(cancellationToken);
        return new ReassignCaseResponse { Team = targetTeam, AgentId = agentId, PreviousAssigneeId = previous, Tier = tier };
    }
}
