using System.Text.Encodings.Web;
using System.Text.Json;
using Complaints.Contracts.Events;
using Complaints.Contracts.Intake.V1;
using Complaints.Intake.FileComplaint;
using Complaints.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using JasperFx.Events;
using Marten;

namespace Complaints.Intake.GetComplaint;

/// <summary>Reads a complaint's whole stream: its current state folded from the events, and every event as recorded.</summary>
public sealed class GetComplaintHandler(IQuerySession session)
{
    // Unescaped so that Chinese and other scripts read as written in the history.
    private static readonly JsonSerializerOptions HistoryJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task<GetComplaintResponse> HandleAsync(GetComplaintRequest request, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(request.ComplaintId, out var complaintId))
        {
            new FieldViolations().Add("complaint_id", "is not a complaint id (a UUID)").ThrowIfAny();
        }

        var events = await session.Events.FetchStreamAsync(complaintId, token: cancellationToken);
        if (events.Count == 0)
            throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {complaintId}"));

        var response = new GetComplaintResponse { ComplaintId = complaintId.ToString() };
        foreach (var @event in events)
        {
            Apply(response, @event.Data);
            response.History.Add(new HistoryEntry
            {
                EventType = @event.EventTypeName,
                Version = @event.Version,
                RecordedAt = Timestamp.FromDateTimeOffset(@event.Timestamp),
                DataJson = JsonSerializer.Serialize(@event.Data, @event.EventType, HistoryJson),
            });
        }
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
