using Complaints.Contracts.Events;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Intake.GetComplaint;

/// <summary>
/// Who may read a complaint, folded from its stream: the channel system that filed it, the agents
/// it was ever assigned to, the supervisors of its team, and the roles that read every complaint
/// (managers, the committee, analysts masked, privacy officers, auditors).
/// </summary>
public sealed class ComplaintAccess
{
    private readonly HashSet<string> assignees = [];

    public string FiledBy { get; private set; } = "";
    public string Team { get; private set; } = "";
    public bool Erased { get; private set; }

    public void Apply(object @event)
    {
        switch (@event)
        {
            case ComplaintFiled filed: FiledBy = filed.FiledBy; break;
            case ComplaintRouted routed: Team = routed.Team; break;
            case ComplaintAssigned assigned: Team = assigned.Team; assignees.Add(assigned.AgentId); break;
            case ComplaintEscalated escalated: assignees.Add(escalated.AssigneeId); break;
            case CustomerDataErased: Erased = true; break;
        }
    }

    public bool MayRead(Caller caller, out string reason)
    {
        (var allowed, reason) = caller.Role switch
        {
            Roles.Channel => (FiledBy == caller.Subject, "a channel system reads only the complaints it filed"),
            Roles.Agent => (assignees.Contains(caller.Subject), "an agent reads only complaints assigned to them"),
            Roles.Supervisor => (assignees.Contains(caller.Subject) || (Team.Length > 0 && Team == caller.Team),
                $"a supervisor reads their own team's complaints; this one is {(Team.Length > 0 ? "team " + Team + "'s" : "not routed yet")}"),
            Roles.Manager or Roles.Committee or Roles.Analyst or Roles.PrivacyOfficer or Roles.Auditor => (true, ""),
            _ => (false, "this role reads no complaints"),
        };
        return allowed;
    }
}
