using Complaints.Contracts.Events;
using Complaints.Contracts.Routing.V1;
using Complaints.Routing.Assignment;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Complaints.Domain.Rules;
using Complaints.ServiceDefaults.ComplaintStreams;

namespace Complaints.Routing.EscalateCase;

/// <summary>
/// A supervisor (their team's cases) or a manager escalates an open case by hand, one or more tiers
/// at once, with the reason: the brief's escalation to someone with more authority over remedies. The
/// person at the new tier owns the case; the agent's load is released.
/// </summary>
public sealed class EscalateCaseHandler(ComplaintWriter writer, TeamDirectory teams, StaffText staffText)
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

        OpenCase? openCase = null;
        Dictionary<string, AgentWorkload> loads = [];
        await writer.ExecuteAsync(complaintId, new Actor(caller.Subject, caller.Role),
            async (life, session, token) =>
            {
                openCase = await CaseAction.LoadAsync(session, complaintId, token);
                // Who may escalate it is checked before anything is sealed.
                MayEscalate(openCase, toTier!, caller);
                loads = await CaseAssignment.LoadsAsync(session, [openCase.LoadedAgentId], token);
                return await staffText.SealAsync(life.CustomerKeyId, $"escalated by hand by {caller.Subject}: {request.Reason.Trim()}", token);
            },
            (_, reason, now) => Decide(openCase!, toTier!, caller, reason, teams, loads, now),
            new WriteOptions
            {
                AlsoStore = (session, _, _) =>
                {
                    session.Store(openCase!);
                    foreach (var load in loads.Values) session.Store(load);
                },
            }, cancellationToken);
        return new EscalateCaseResponse { Tier = toTier, AssigneeId = openCase!.AssigneeId };
    }

    /// <summary>
    /// Up only, to the team's person at <paramref name="toTier"/>: the event, and routing's view of
    /// the case (and the released agent's load) updated in memory for the writer to store with it.
    /// </summary>
    public static IReadOnlyList<object> Decide(OpenCase openCase, string toTier, Caller caller, string sealedReason, TeamDirectory teams,
        IDictionary<string, AgentWorkload> loads, DateTimeOffset now)
    {
        MayEscalate(openCase, toTier, caller);
        return [Escalation.To(openCase, toTier, teams, loads, sealedReason, now)];
    }

    /// <summary>The guards of an escalation by hand: a supervisor's own team, an open case, up only.</summary>
    public static void MayEscalate(OpenCase openCase, string toTier, Caller caller)
    {
        CaseAction.Require(openCase, caller, c => c.Team == caller.Team, $"a supervisor escalates the cases of their own team ({caller.Team})",
            "The complaint is resolved; there is nothing to escalate");
        Rejection.Require(Tiers.IsAbove(toTier, openCase.Tier), $"The case is already at the {openCase.Tier} tier; escalation only goes up");
    }
}
