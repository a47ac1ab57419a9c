using Complaints.Domain.ComplaintStream;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Intake.GetComplaint;

/// <summary>
/// Who may read a complaint, folded from its stream: the channel system that filed it, the agents
/// it was ever assigned to, the supervisors of its team, and the roles that read every complaint
/// (managers, the committee, analysts masked, privacy officers, auditors).
/// </summary>
public sealed class ComplaintAccess(ComplaintLife life)
{
    public bool MayRead(Caller caller, out string reason)
    {
        var team = life.Team;
        (var allowed, reason) = caller.Role switch
        {
            Roles.Channel => (life.FiledBy == caller.Subject, "a channel system reads only the complaints it filed"),
            Roles.Agent => (life.Assignees.Contains(caller.Subject), "an agent reads only complaints assigned to them"),
            Roles.Supervisor => (life.Assignees.Contains(caller.Subject) || (team.Length > 0 && team == caller.Team),
                $"a supervisor reads their own team's complaints; this one is {(team.Length > 0 ? "team " + team + "'s" : "not routed yet")}"),
            Roles.Manager or Roles.Committee or Roles.Analyst or Roles.PrivacyOfficer or Roles.Auditor => (true, ""),
            _ => (false, "this role reads no complaints"),
        };
        return allowed;
    }
}
