using Complaints.Contracts.Events;
using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Callbacks;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Complaints.ServiceDefaults.ComplaintStreams;
using Microsoft.Extensions.Options;

namespace Complaints.Followup.Surveys;

/// <summary>An unanswered follow-up call (<see cref="CallbackAttemptDecision"/>), checked, decided and written.</summary>
public sealed class RecordCallbackAttemptHandler(ComplaintWriter writer, IOptions<FollowupOptions> options)
{
    public async Task<RecordCallbackAttemptResponse> HandleAsync(RecordCallbackAttemptRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(request.ComplaintId, out var id)) violations.Add("complaint_id", "is not a complaint id (a UUID)");
        if (string.IsNullOrWhiteSpace(request.Channel)) violations.Add("channel", "is required (phone, sms, email, ...)");
        else if (request.Channel.Length > 40) violations.Add("channel", "is longer than 40 characters");
        violations.ThrowIfAny();

        var command = new RecordUnansweredCallback(request.Channel.Trim(), options.Value.CallbackAttempts);
        var written = await writer.ExecuteAsync(id, new Actor(caller.Subject, caller.Role),
            (life, now) => CallbackAttemptDecision.Decide(life, command, caller, now), cancellationToken: cancellationToken);
        return new RecordCallbackAttemptResponse
        {
            Attempts = written.Events.OfType<CallbackUnanswered>().Single().Attempt,
            AttemptsAllowed = command.AttemptsAllowed,
            ClosedWithoutFeedback = written.Events.OfType<ComplaintClosed>().Any(),
        };
    }
}
