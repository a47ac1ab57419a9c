using System.Text.Encodings.Web;
using System.Text.Json;
using Complaints.Contracts.Events;
using Complaints.Contracts.Intake.V1;
using Complaints.Domain.ComplaintStream;
using Complaints.Intake.FileComplaint;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Audit;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;

namespace Complaints.Intake.GetComplaint;

/// <summary>
/// Reads a complaint's whole stream: its current state (the complaint's one fold), and every event
/// as recorded, for a caller allowed to see it. Personal data is revealed in clear, masked for roles
/// that do not need it, or read as erased; the read itself is recorded.
/// </summary>
public sealed class GetComplaintHandler(IQuerySession session, PersonalDataProtector personalData, PersonalDataReads reads)
{
    // Unescaped so that Chinese and other scripts read as written in the history.
    private static readonly JsonSerializerOptions HistoryJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task<GetComplaintResponse> HandleAsync(GetComplaintRequest request, Caller caller, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(request.ComplaintId, out var complaintId))
        {
            new FieldViolations().Add("complaint_id", "is not a complaint id (a UUID)").ThrowIfAny();
        }

        var events = await session.Events.FetchStreamAsync(complaintId, token: cancellationToken);
        var life = ComplaintLife.Fold(complaintId, events.Select(e => (e.Version, e.Data)))
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {complaintId}"));
        // A channel system is told nothing about complaints other systems filed, not even that they exist.
        var mayRead = new ComplaintAccess(life).MayRead(caller, out var reason);
        if (!mayRead && caller.Is(Roles.Channel))
            throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {complaintId}"));
        caller.Require(mayRead, reason);

        var inClear = caller.SeesPersonalData;
        var view = life.PersonalDataErased ? PersonalDataView.Erased : inClear ? PersonalDataView.Clear : PersonalDataView.Masked;
        // Recorded before anything personal leaves: a read that cannot be recorded does not happen.
        await reads.RecordAsync([complaintId], caller, "complaints.intake.v1.Intake/GetComplaint", view switch
        {
            PersonalDataView.Erased => PersonalDataReadView.Erased,
            PersonalDataView.Clear => PersonalDataReadView.Clear,
            _ => PersonalDataReadView.Masked,
        }, cancellationToken);

        var response = State(life);
        foreach (var @event in events)
        {
            var data = JsonSerializer.SerializeToNode(@event.Data, @event.EventType, HistoryJson);
            response.History.Add(new HistoryEntry
            {
                EventType = @event.EventTypeName,
                Version = @event.Version,
                RecordedAt = Timestamp.FromDateTimeOffset(@event.Timestamp),
                DataJson = (await personalData.DiscloseJsonAsync(data, inClear, cancellationToken))?.ToJsonString(HistoryJson) ?? "null",
            });
        }
        response.CustomerName = await personalData.DiscloseAsync(life.CustomerName, inClear, cancellationToken);
        response.CustomerPhone = await personalData.DiscloseAsync(life.CustomerPhone, inClear, cancellationToken);
        response.CustomerEmail = await personalData.DiscloseAsync(life.CustomerEmail, inClear, cancellationToken);
        response.Description = await personalData.DiscloseAsync(life.Description, inClear, cancellationToken);
        response.PersonalData = life.PersonalDataErased || response.Description == PersonalDataProtector.Erased ? PersonalDataView.Erased : view;
        return response;
    }

    private static GetComplaintResponse State(ComplaintLife life)
    {
        var state = new GetComplaintResponse
        {
            ComplaintId = life.Id.ToString(),
            ComplaintNumber = life.ComplaintNumber,
            Status = Status(life.Stage),
            Channel = Channels.Parse(life.Channel),
            CustomerId = life.CustomerId,
            FiledAt = Timestamp.FromDateTimeOffset(life.FiledAt),
            Team = life.Team,
            AgentId = life.Owner ?? "",
            Priority = life.Priority,
            Category = life.Category,
            Tier = life.Tier,
            TriageNeedsReview = life.TriageNeedsReview,
            TriageReviewReasons = { life.TriageReviewReasons },
            Kind = life.Kind,
            Style = life.Style,
            Emotion = life.Emotion,
            Motive = life.Motive,
            EmergencyFlags = { life.EmergencyFlags },
            Nuisance = life.Nuisance,
            HandlingGuidance = { life.TriageGuidance },
        };
        if (life.FirstResponseDue is { } firstResponseDue) state.FirstResponseDue = Timestamp.FromDateTimeOffset(firstResponseDue);
        if (life.ResolutionDue is { } resolutionDue) state.ResolutionDue = Timestamp.FromDateTimeOffset(resolutionDue);
        return state;
    }

    public static ComplaintStatus Status(ComplaintStage stage) => StageStatus.As<ComplaintStatus>(stage);
}
