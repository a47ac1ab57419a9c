using Complaints.Contracts.Events;
using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Stream;
using Complaints.Followup.Callbacks;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Followup.Surveys;

/// <summary>
/// A follow-up call in which the customer could not be reached. After the configured number of
/// them the complaint closes as "closed, no feedback": a customer who never answers must not keep
/// it open for ever, which would also hold their personal data under the legal hold for ever.
/// </summary>
public sealed class RecordCallbackAttemptHandler(IDocumentSession session, IOptions<FollowupOptions> options, TimeProvider clock)
{
    public async Task<RecordCallbackAttemptResponse> HandleAsync(RecordCallbackAttemptRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(request.ComplaintId, out var id)) violations.Add("complaint_id", "is not a complaint id (a UUID)");
        if (string.IsNullOrWhiteSpace(request.Channel)) violations.Add("channel", "is required (phone, sms, email, ...)");
        else if (request.Channel.Length > 40) violations.Add("channel", "is longer than 40 characters");
        violations.ThrowIfAny();

        // Other writers append to the stream too: on a conflict the attempt is decided again on the fresh stream.
        for (var attempt = 1; ; attempt++)
        {
            if (await TryRecordAsync(id, request.Channel.Trim(), caller, cancellationToken) is { } recorded) return recorded;
            session.EjectAllPendingChanges();
            if (attempt == 3) throw new RpcException(new Status(StatusCode.Aborted, "The complaint kept changing while the call-back was recorded; retry: nothing was recorded"));
        }
    }

    private async Task<RecordCallbackAttemptResponse?> TryRecordAsync(Guid id, string channel, Caller caller, CancellationToken cancellationToken)
    {
        var events = await session.Events.FetchStreamAsync(id, token: cancellationToken);
        if (ComplaintLife.Fold(id, events.Select(e => (e.Version, e.Data))) is not { } life)
            throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {id}"));
        SurveyAccess.RequireMayRecord(life, caller);
        if (life.ClosedAt is not null) throw new RpcException(new Status(StatusCode.FailedPrecondition, "The complaint is already closed"));
        if (life.ResolvedAt is null) throw new RpcException(new Status(StatusCode.FailedPrecondition, "The complaint is not resolved; the follow-up call follows the resolution"));

        var now = clock.GetUtcNow();
        var allowed = options.Value.CallbackAttempts;
        var attempts = life.UnansweredCallbacks + 1;
        var decided = new List<object> { new CallbackUnanswered(id, caller.Subject, channel, attempts, now) };
        var closes = attempts >= allowed;
        if (closes) decided.Add(new ComplaintClosed(id, now, WithoutFeedback: true));

        session.StampTraceContext();
        session.StampActor(caller.Subject, caller.Role);
        session.Events.Append(id, life.Version + decided.Count, decided.ToArray());
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ConcurrencyConflicts.Is(ex))
        {
            return null;
        }
        return new RecordCallbackAttemptResponse { Attempts = attempts, AttemptsAllowed = allowed, ClosedWithoutFeedback = closes };
    }
}
