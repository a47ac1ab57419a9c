using System.Text.Encodings.Web;
using System.Text.Json;
using Complaints.Contracts.Events;
using Complaints.Contracts.Intake.V1;
using Complaints.Intake.FileComplaint;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;

namespace Complaints.Intake.GetComplaint;

/// <summary>
/// Reads a complaint's whole stream: its current state folded from the events, and every event as
/// recorded, for a caller allowed to see it. Personal data is revealed in clear, masked for roles
/// that do not need it, or read as erased.
/// </summary>
public sealed class GetComplaintHandler(IQuerySession session, PersonalDataProtector personalData, ILogger<GetComplaintHandler> logger)
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
        var access = new ComplaintAccess();
        foreach (var @event in events) access.Apply(@event.Data);
        // A channel system is told nothing about complaints other systems filed, not even that they exist.
        var mayRead = access.MayRead(caller, out var reason);
        if (events.Count == 0 || (!mayRead && caller.Is(Roles.Channel)))
            throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {complaintId}"));
        caller.Require(mayRead, reason);

        var inClear = caller.SeesPersonalData;
        var response = new GetComplaintResponse { ComplaintId = complaintId.ToString() };
        foreach (var @event in events)
        {
            Apply(response, @event.Data);
            var data = JsonSerializer.SerializeToNode(@event.Data, @event.EventType, HistoryJson);
            response.History.Add(new HistoryEntry
            {
                EventType = @event.EventTypeName,
                Version = @event.Version,
                RecordedAt = Timestamp.FromDateTimeOffset(@event.Timestamp),
                DataJson = (await personalData.DiscloseJsonAsync(data, inClear, cancellationToken))?.ToJsonString(HistoryJson) ?? "null",
            });
        }
        response.CustomerName = await personalData.DiscloseAsync(response.CustomerName, inClear, cancellationToken);
        response.CustomerPhone = await personalData.DiscloseAsync(response.CustomerPhone, inClear, cancellationToken);
        response.CustomerEmail = await personalData.DiscloseAsync(response.CustomerEmail, inClear, cancellationToken);
        response.Description = await personalData.DiscloseAsync(response.Description, inClear, cancellationToken);
        response.PersonalData = access.Erased || response.Description == PersonalDataProtector.Erased ? PersonalDataView.Erased
            : inClear ? PersonalDataView.Clear : PersonalDataView.Masked;
        // Who read whose complaint is itself a record a regulator may ask for; ids only, nothing personal.
        logger.LogInformation("Complaint {ComplaintId} read by {Role} {Subject} ({View})", complaintId, caller.Role, caller.Subject, response.PersonalData);
        return response;
    }

    private static void Apply(GetComplaintResponse state, object @event)
    {
        switch (@event)
        {
            case ComplaintFiled filed:
                state.ComplaintNumber = filed.ComplaintNumber;
                state.Status = ComplaintStatus.Filed;
                state.Channel = Channels.Parse(filed.Channel);
                state.CustomerId = filed.CustomerId;
                state.CustomerName = filed.CustomerName;
                state.CustomerPhone = filed.CustomerPhone;
                state.CustomerEmail = filed.CustomerEmail;
                state.Description = filed.Description;
                state.FiledAt = Timestamp.FromDateTimeOffset(filed.FiledAt);
                if (filed.FirstResponseDue is { } promisedResponse) state.FirstResponseDue = Timestamp.FromDateTimeOffset(promisedResponse);
                if (filed.ResolutionDue is { } promisedResolution) state.ResolutionDue = Timestamp.FromDateTimeOffset(promisedResolution);
                break;
            case ComplaintTriaged triaged:
                state.Priority = triaged.Priority;
                state.Category = triaged.Category;
                break;
            case ComplaintRouted routed:
                state.Status = ComplaintStatus.Routed;
                state.Team = routed.Team;
                break;
            case ComplaintAssigned assigned:
                state.Status = ComplaintStatus.Assigned;
                state.Team = assigned.Team;
                state.AgentId = assigned.AgentId;
                state.Tier = assigned.Tier;
                state.FirstResponseDue = Timestamp.FromDateTimeOffset(assigned.FirstResponseDue);
                state.ResolutionDue = Timestamp.FromDateTimeOffset(assigned.ResolutionDue);
                break;
            case ComplaintEscalated escalated:
                state.Tier = escalated.ToTier;
                state.AgentId = escalated.AssigneeId;
                break;
        }
    }
}
