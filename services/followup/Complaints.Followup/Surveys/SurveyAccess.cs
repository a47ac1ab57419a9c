using Complaints.Domain.ComplaintStream;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Followup.Surveys;

/// <summary>Who may record the follow-up call of a case.</summary>
public static class SurveyAccess
{
    /// <summary>
    /// The follow-up call closes or reopens the case, so it is recorded by whoever may work the case:
    /// the agent who holds it, a supervisor of its team (or the one holding it), a manager or the committee.
    /// </summary>
    public static void RequireMayRecord(ComplaintLife life, Caller caller)
    {
        var holdsIt = life.Owner == caller.Subject;
        switch (caller.Role)
        {
            case Roles.Agent:
                caller.Require(holdsIt, $"an agent records follow-up calls only on cases assigned to them; this one is assigned to {life.Owner ?? "nobody yet"}");
                break;
            case Roles.Supervisor:
                caller.Require(holdsIt || (life.Team.Length > 0 && life.Team == caller.Team),
                    $"a supervisor records follow-up calls on their own team's cases; this one belongs to {(life.Team.Length > 0 ? "team " + life.Team : "no team yet")}");
                break;
            case Roles.Manager or Roles.Committee:
                break;
            default:
                caller.Require(false, "this role does not work cases");
                break;
        }
    }
}
