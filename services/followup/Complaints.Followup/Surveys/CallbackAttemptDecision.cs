using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Domain.Rules;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Followup.Surveys;

/// <summary>A follow-up call in which the customer could not be reached, on this channel.</summary>
public sealed record RecordUnansweredCallback(string Channel, int AttemptsAllowed);

/// <summary>
/// After the configured number of unanswered follow-up calls the complaint closes as "closed, no
/// feedback": a customer who never answers must not keep it open for ever, which would also hold
/// their personal data under the legal hold for ever.
/// </summary>
public static class CallbackAttemptDecision
{
    public static IReadOnlyList<object> Decide(ComplaintLife life, RecordUnansweredCallback command, Caller caller, DateTimeOffset now)
    {
        SurveyAccess.RequireMayRecord(life, caller);
        Rejection.Require(life.ClosedAt is null, "The complaint is already closed");
        Rejection.Require(life.ResolvedAt is not null, "The complaint is not resolved; the follow-up call follows the resolution");

        var attempt = life.UnansweredCallbacks + 1;
        return attempt >= command.AttemptsAllowed
            ? [new CallbackUnanswered(life.Id, caller.Subject, command.Channel, attempt, now), new ComplaintClosed(life.Id, now, WithoutFeedback: true)]
            : [new CallbackUnanswered(life.Id, caller.Subject, command.Channel, attempt, now)];
    }
}
