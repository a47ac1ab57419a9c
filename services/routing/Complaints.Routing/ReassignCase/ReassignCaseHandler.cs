using Complaints.Contracts.Events;
using Complaints.Contracts.Routing.V1;
using Complaints.Routing.Assignment;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Complaints.Domain.Rules;
using Complaints.ServiceDefaults.ComplaintStreams;

namespace Complaints.Routing.ReassignCase;

/// <summary>
/// A supervisor (within their team) or a manager moves an open case to another agent. The case keeps
/// its deadlines; the old agent's load is released and the new one's counts it (hostile cases too).
/// An agent already at the hostile-case cap takes no further hostile case: the stress rotation rule
/// (seed 003) holds for people's choices as it does for routing's. Recorded as a
/// <see cref="ComplaintAssigned"/> naming who reassigned it and why, so every queue follows.
/// </summary>
public sealed class ReassignCaseHandler(ComplaintWriter writer, TeamDirectory teams, StaffText staffText)
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

        OpenCase? openCase = null;
        string? previous = null;
        Dictionary<string, AgentWorkload> loads = [];
        var written = await writer.ExecuteAsync(complaintId, new Actor(caller.Subject, caller.Role),
            async (life, session, token) =>
            {
                openCase = await CaseAction.LoadAsync(session, complaintId, token);
                // Who may move it is checked before the team is locked or anything is sealed.
                MayReassign(openCase, agentId, targetTeam!, caller);
                previous = openCase.AssigneeId;
                await session.BeginTransactionAsync(token);
                await TeamLock.AcquireAsync(session, targetTeam!, token);
                loads = await CaseAssignment.LoadsAsync(session, [agentId, openCase.LoadedAgentId], token);
                var reason = await staffText.SealAsync(life.CustomerKeyId, $"reassigned by {caller.Subject} from {previous}: {request.Reason.Trim()}", token);
                return (Case: openCase, Reason: reason);
            },
            (life, read, now) => Decide(read.Case, life.Version, new Reassign(agentId, targetTeam!, read.Reason), caller, teams, loads, now),
            new WriteOptions
            {
                AlsoStore = (session, _, _) =>
                {
                    session.Store(openCase!);
                    foreach (var load in loads.Values) session.Store(load);
                },
            }, cancellationToken);
        return new ReassignCaseResponse { Team = targetTeam, AgentId = agentId, PreviousAssigneeId = previous, Tier = openCase!.Tier };
    }

    /// <summary>The guards of a reassignment: a supervisor within their own team, an open case, a new agent.</summary>
    public static void MayReassign(OpenCase openCase, string agentId, string team, Caller caller)
    {
        CaseAction.Require(openCase, caller, c => c.Team == caller.Team && team == caller.Team,
            $"a supervisor moves cases within their own team ({caller.Team})", "The complaint is resolved; reopen it before moving it");
        Rejection.Require(openCase.AssigneeId != agentId, $"{agentId} already has the case");
    }

    /// <summary>
    /// The case moves to the named agent, within the supervisor's team (a manager anywhere): the
    /// events, and routing's view of the case and the two agents' loads updated in memory for the
    /// writer to store with them. It keeps its deadlines.
    /// </summary>
    public static IReadOnlyList<object> Decide(OpenCase openCase, long version, Reassign command, Caller caller, TeamDirectory teams,
        IDictionary<string, AgentWorkload> loads, DateTimeOffset now)
    {
        MayReassign(openCase, command.AgentId, command.Team, caller);
        var assignee = CaseAssignment.Named(command.AgentId, openCase.Hostile, openCase.Tier, (loads.TryGetValue(command.AgentId, out var load) ? load : null), teams, now, command.SealedReason);

        var events = new List<object>();
        if (command.Team != openCase.Team)
            events.Add(new ComplaintRouted(openCase.Id, command.Team, $"reassigned to {command.AgentId} of {command.Team}", now));
        events.AddRange(CaseAssignment.Events(openCase.Id, command.Team, assignee, openCase.Tier, command.SealedReason, command.SealedReason,
            openCase.FirstResponseDue, openCase.ResolutionDue, now));
        CaseAssignment.Apply(openCase, command.Team, assignee, openCase.Hostile, loads, teams, now, version + events.Count);
        return events;
    }
}

/// <summary>A case moved to a named agent of a team, with the reason (sealed: staff's words about a customer are personal data).</summary>
public sealed record Reassign(string AgentId, string Team, string SealedReason);
