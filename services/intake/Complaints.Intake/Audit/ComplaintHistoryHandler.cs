using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Complaints.Contracts.Audit;
using Complaints.Contracts.Audit.V1;
using Complaints.Domain.ComplaintStream;
using Complaints.Intake.GetComplaint;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Audit;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;
using ComplaintStatus = Complaints.Contracts.Audit.V1.ComplaintStatus;

namespace Complaints.Intake.Audit;

/// <summary>
/// A complaint as it stood at a version or an instant: Marten reads the stream up to there
/// (FetchStreamAsync with version or timestamp, the cut AggregateStreamAsync makes), the one fold
/// gives the state, and the events come with their envelope (who, why, correlation, causation,
/// trace) and their seals.
/// </summary>
public sealed class ComplaintHistoryHandler(IQuerySession session, AuditBundles bundles, AuditStore audit, PersonalDataProtector personalData, PersonalDataReads reads)
{
    private static readonly JsonSerializerOptions HistoryJson = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<GetComplaintHistoryResponse> HandleAsync(GetComplaintHistoryRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var id = await bundles.ResolveAsync(request.Complaint, "complaint", cancellationToken);
        long? version = null;
        DateTimeOffset? asOf = null;
        switch (request.PointCase)
        {
            case GetComplaintHistoryRequest.PointOneofCase.AtVersion:
                if (request.AtVersion < 1) new FieldViolations().Add("at_version", "must be 1 or more (1 is the complaint as filed)").ThrowIfAny();
                version = request.AtVersion;
                break;
            case GetComplaintHistoryRequest.PointOneofCase.AsOf:
                asOf = request.AsOf.ToDateTimeOffset();
                break;
        }

        var state = await session.Events.FetchStreamStateAsync(id, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {id}"));
        if (version > state.Version)
            new FieldViolations().Add("at_version", $"the complaint has {state.Version} events").ThrowIfAny();
        var events = await session.Events.FetchStreamAsync(id, version ?? 0, asOf, token: cancellationToken);
        if (events.Count == 0)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"The complaint did not exist yet at {asOf:O}; it was filed at {state.Created:O}"));
        // Marten cuts the stream at the version or instant (FetchStreamAsync, as AggregateStreamAsync
        // does); the state is the one fold of exactly those events, read once.
        var life = ComplaintLife.Fold(id, events.Select(e => (e.Version, e.Data)))
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {id}"));

        await reads.RecordAsync([id], caller, "complaints.audit.v1.Audit/GetComplaintHistory",
            life.PersonalDataErased ? PersonalDataReadView.Erased : PersonalDataReadView.Clear, cancellationToken);

        var seals = (await audit.SealsOfStreamAsync(id, cancellationToken)).ToDictionary(s => s.Seq);
        var response = new GetComplaintHistoryResponse { State = await StateAsync(life, cancellationToken) };
        foreach (var e in events)
        {
            var data = JsonSerializer.SerializeToNode(e.Data, e.EventType, HistoryJson);
            var seal = seals.GetValueOrDefault(e.Sequence);
            response.History.Add(new AuditedEvent
            {
                Version = e.Version,
                Sequence = e.Sequence,
                EventId = e.Id.ToString(),
                EventType = e.EventTypeName,
                RecordedAt = Timestamp.FromDateTimeOffset(e.Timestamp),
                Actor = Header(e, MartenDefaults.ActorHeader),
                ActorRole = Header(e, MartenDefaults.ActorRoleHeader),
                CorrelationId = e.CorrelationId ?? "",
                CausationId = e.CausationId ?? "",
                TraceParent = Header(e, ServiceDefaults.ComplaintsTelemetry.TraceParentHeader),
                DataJson = (await personalData.DiscloseJsonAsync(data, inClear: true, cancellationToken))?.ToJsonString(HistoryJson) ?? "null",
                StreamSeal = seal is null ? "" : AuditChain.Hex(seal.StreamSeal),
                GlobalSeal = seal is null ? "" : AuditChain.Hex(seal.GlobalSeal),
            });
        }
        return response;
    }

    private static string Header(JasperFx.Events.IEvent e, string name) =>
        e.Headers is { } headers && headers.TryGetValue(name, out var value) ? value?.ToString() ?? "" : "";

    private async Task<ComplaintState> StateAsync(ComplaintLife life, CancellationToken cancellationToken)
    {
        var state = new ComplaintState
        {
            ComplaintId = life.Id.ToString(),
            ComplaintNumber = life.ComplaintNumber,
            Version = life.Version,
            Status = Status(life.Stage),
            Channel = life.Channel,
            FiledBy = life.FiledBy,
            CustomerId = life.CustomerId,
            CustomerName = await personalData.DiscloseAsync(life.CustomerName, inClear: true, cancellationToken),
            Description = await personalData.DiscloseAsync(life.Description, inClear: true, cancellationToken),
            FiledAt = Timestamp.FromDateTimeOffset(life.FiledAt),
            Category = life.Category,
            Kind = life.Kind,
            Emotion = life.Emotion,
            Priority = life.Priority,
            Complex = life.Complex,
            Team = life.Team,
            Owner = life.Owner ?? "",
            Tier = life.Tier,
            Escalations = life.Escalations,
            AcceptedRemedyId = life.AcceptedRemedy?.ToString() ?? "",
            Reopens = life.Reopens,
            Repeat = life.IsRepeat,
            RepeatOf = life.RepeatOf?.ToString() ?? "",
            SecondComplaintOf = life.SecondComplaintOf?.ToString() ?? "",
            RootCauseCategory = life.RootCauseCategory,
            PersonalDataErased = life.PersonalDataErased,
        };
        state.EmergencyFlags.AddRange(life.EmergencyFlags);
        if (life.FirstResponseDue is { } firstResponseDue) state.FirstResponseDue = Timestamp.FromDateTimeOffset(firstResponseDue);
        if (life.ResolutionDue is { } resolutionDue) state.ResolutionDue = Timestamp.FromDateTimeOffset(resolutionDue);
        if (life.FirstResponseAt is { } firstResponseAt) state.FirstResponseAt = Timestamp.FromDateTimeOffset(firstResponseAt);
        if (life.ResolvedAt is { } resolvedAt) state.ResolvedAt = Timestamp.FromDateTimeOffset(resolvedAt);
        if (life.ConfirmedAt is { } confirmedAt) state.ConfirmedAt = Timestamp.FromDateTimeOffset(confirmedAt);
        if (life.ClosedAt is { } closedAt) state.ClosedAt = Timestamp.FromDateTimeOffset(closedAt);
        foreach (var breach in life.Breaches)
            state.Breaches.Add(new SlaBreach
            {
                Deadline = breach.Deadline, DueAt = Timestamp.FromDateTimeOffset(breach.DueAt), Tier = breach.Tier,
                DetectedAt = Timestamp.FromDateTimeOffset(breach.DetectedAt),
            });
        foreach (var remedy in life.Remedies.Values)
            state.Remedies.Add(new Remedy
            {
                RemedyId = remedy.Id.ToString(), Kind = remedy.Kind, Amount = remedy.Amount.ToString(CultureInfo.InvariantCulture),
                Currency = remedy.Currency, ProposedBy = remedy.ProposedBy, RequiresApprovalFrom = remedy.RequiresApprovalFrom,
                Status = (RemedyStatus)((int)remedy.Stage + 1), DecidedBy = remedy.DecidedBy,
                DecisionReason = await personalData.DiscloseAsync(remedy.DecisionReason, inClear: true, cancellationToken),
            });
        if (life.Survey is { } survey)
            state.Survey = new Survey
            {
                Timeliness = survey.Timeliness, Solution = survey.Solution, Attitude = survey.Attitude, Nps = survey.Nps,
                Satisfied = survey.Satisfied, RecordedAt = Timestamp.FromDateTimeOffset(survey.RecordedAt),
            };
        state.ImprovementActionIds.AddRange(life.ImprovementActions.Select(a => a.ToString()));
        state.LinkedImprovementActionIds.AddRange(life.LinkedImprovementActions.Select(a => a.ToString()));
        return state;
    }

    public static ComplaintStatus Status(ComplaintStage stage) => StageStatus.As<ComplaintStatus>(stage);
}
