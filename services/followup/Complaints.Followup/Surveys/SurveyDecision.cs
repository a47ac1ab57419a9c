using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Domain.Rules;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Followup.Surveys;

/// <summary>The customer's answers at the follow-up call, scores 1-5 and NPS 0-10, their comment in clear.</summary>
public sealed record RecordSurvey(int Timeliness, int Solution, int Attitude, int Nps, string Comment);

/// <summary>
/// The follow-up survey on a resolved case. A satisfied customer closes the complaint; a
/// dissatisfied one (an average under 3, or any score of 1) reopens it, and routing gives it a
/// dedicated owner one tier up.
/// </summary>
public static class SurveyDecision
{
    /// <param name="seal">Seals the customer's comment under their data key (their own words are personal data).</param>
    public static IReadOnlyList<object> Decide(ComplaintLife life, RecordSurvey command, Caller caller, Func<string, string> seal, DateTimeOffset now)
    {
        // Checked before the case's state, so a caller it is not for learns nothing about it.
        SurveyAccess.RequireMayRecord(life, caller);
        Rejection.Require(life.ClosedAt is null, "The complaint is already closed");
        Rejection.Require(life.ResolvedAt is not null, "The complaint is not resolved; the survey follows the resolution");

        var scores = new[] { command.Timeliness, command.Solution, command.Attitude };
        var satisfied = scores.Average() >= 3 && scores.Min() > 1;
        object outcome = satisfied
            ? new ComplaintClosed(life.Id, now)
            : new ComplaintReopened(life.Id, $"customer dissatisfied at follow-up (timeliness {command.Timeliness}, solution {command.Solution}, attitude {command.Attitude})", now);
        var comment = command.Comment.Length > 0 ? seal(command.Comment) : "";
        return [new SurveyRecorded(life.Id, caller.Subject, command.Timeliness, command.Solution, command.Attitude, command.Nps, comment, satisfied, now), outcome];
    }
}
