using Complaints.Contracts.Events;
using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Stream;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Marten;

namespace Complaints.Followup.Surveys;

/// <summary>
/// The follow-up survey. A satisfied customer closes the complaint; a dissatisfied one reopens it,
/// and routing gives it a dedicated owner one tier up. Dissatisfied means an average under 3 or
/// any score of 1.
/// </summary>
public sealed class RecordSurveyHandler(IDocumentSession session, PersonalDataProtector personalData, TimeProvider clock)
{
    public async Task<RecordSurveyResponse> HandleAsync(RecordSurveyRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(request.ComplaintId, out var id)) violations.Add("complaint_id", "is not a complaint id (a UUID)");
        foreach (var (field, score) in new[] { ("timeliness", request.Timeliness), ("solution", request.Solution), ("attitude", request.Attitude) })
            if (score is < 1 or > 5) violations.Add(field, "must be from 1 to 5");
        if (request.Nps is < 0 or > 10) violations.Add("nps", "must be from 0 to 10");
        if (request.Comment.Length > 4000) violations.Add("comment", "is longer than 4000 characters");
        violations.ThrowIfAny();

        // Other writers append to the stream too (a notice to the customer, a breach): on a conflict the
        // survey is decided again on the fresh stream, guards included, a few times before giving up.
        for (var attempt = 1; ; attempt++)
        {
            if (await TryRecordAsync(id, request, caller, cancellationToken) is { } recorded) return recorded;
            session.EjectAllPendingChanges();
            if (attempt == 3) throw new RpcException(new Status(StatusCode.Aborted, "The complaint kept changing while the survey was recorded; retry: nothing was recorded"));
        }
    }

    /// <summary>Decides and appends the survey at the version read; null when another writer got in between.</summary>
    private async Task<RecordSurveyResponse?> TryRecordAsync(Guid id, RecordSurveyRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var events = await session.Events.FetchStreamAsync(id, token: cancellationToken);
        if (ComplaintLife.Fold(id, events.Select(e => (e.Version, e.Data))) is not { } life)
            throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {id}"));
        // Checked before the case's state, so a caller it is not for learns nothing about it.
        SurveyAccess.RequireMayRecord(life, caller);
        if (life.ClosedAt is not null) throw new RpcException(new Status(StatusCode.FailedPrecondition, "The complaint is already closed"));
        if (life.ResolvedAt is null) throw new RpcException(new Status(StatusCode.FailedPrecondition, "The complaint is not resolved; the survey follows the resolution"));

        var now = clock.GetUtcNow();
        var scores = new[] { request.Timeliness, request.Solution, request.Attitude };
        var satisfied = scores.Average() >= 3 && scores.Min() > 1;
        object outcome = satisfied
            ? new ComplaintClosed(id, now)
            : new ComplaintReopened(id, $"customer dissatisfied at follow-up (timeliness {request.Timeliness}, solution {request.Solution}, attitude {request.Attitude})", now);

        // The customer's comment is their own words: sealed under their data key like everything personal.
        var comment = life.CustomerKeyId is { } keyId && request.Comment.Length > 0
            ? (await personalData.CipherAsync(keyId, cancellationToken)).Protect(PersonalField.Text, request.Comment)
            : request.Comment;
        session.StampTraceContext();
        session.StampActor(caller.Subject, caller.Role);
        session.Events.Append(id, life.Version + 2,
            new SurveyRecorded(id, caller.Subject, request.Timeliness, request.Solution, request.Attitude, request.Nps, comment, satisfied, now),
            outcome);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ConcurrencyConflicts.Is(ex))
        {
            return null;
        }
        return new RecordSurveyResponse { Satisfied = satisfied, Outcome = satisfied ? "closed" : "reopened" };
    }
}
