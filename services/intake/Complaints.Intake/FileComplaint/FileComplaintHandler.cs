using Complaints.Contracts.Events;
using Complaints.Contracts.Intake.V1;
using Complaints.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Marten;

namespace Complaints.Intake.FileComplaint;

/// <summary>Validates a filing and starts the complaint's stream with <see cref="ComplaintFiled"/>.</summary>
public sealed class FileComplaintHandler(IDocumentSession session, TimeProvider clock, ILogger<FileComplaintHandler> logger)
{
    public async Task<FileComplaintResponse> HandleAsync(FileComplaintRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        FileComplaintValidator.Validate(request, now).ThrowIfAny();

        var complaintId = Guid.CreateVersion7(now);
        var filed = new ComplaintFiled(
            complaintId,
            ComplaintNumber.For(complaintId, now),
            ChannelName(request.Channel),
            request.Customer.CustomerId.Trim(),
            request.Customer.Name,
            request.Customer.Phone,
            request.Customer.Email,
            request.Description,
            request.IncidentTime?.ToDateTimeOffset(),
            now);

        session.StampTraceContext();
        session.Events.StartStream(complaintId, filed);
        await session.SaveChangesAsync(cancellationToken);

        logger.LogInformation("Complaint {ComplaintNumber} ({ComplaintId}) filed through {Channel}", filed.ComplaintNumber, complaintId, filed.Channel);
        return new FileComplaintResponse
        {
            ComplaintId = complaintId.ToString(),
            ComplaintNumber = filed.ComplaintNumber,
            FiledAt = Timestamp.FromDateTimeOffset(now),
        };
    }

    /// <summary>Stored by name ("phone", "regulator_hotline") so the stream reads without the proto.</summary>
    public static string ChannelName(Channel channel) =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(channel.ToString());
}
