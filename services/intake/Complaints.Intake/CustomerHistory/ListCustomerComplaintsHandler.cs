using Complaints.Contracts.Intake.V1;
using Complaints.Intake.FileComplaint;
using Complaints.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Marten;

namespace Complaints.Intake.CustomerHistory;

public sealed class ListCustomerComplaintsHandler(IQuerySession session)
{
    public async Task<ListCustomerComplaintsResponse> HandleAsync(ListCustomerComplaintsRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.CustomerId))
            new FieldViolations().Add("customer_id", "is required").ThrowIfAny();

        var customerId = request.CustomerId.Trim();
        var records = await session.Query<CustomerComplaintRecord>()
            .Where(c => c.CustomerId == customerId)
            .OrderByDescending(c => c.FiledAt)
            .ToListAsync(cancellationToken);

        var response = new ListCustomerComplaintsResponse { CustomerId = customerId };
        response.Complaints.AddRange(records.Select(r => new CustomerComplaint
        {
            ComplaintId = r.Id.ToString(),
            ComplaintNumber = r.ComplaintNumber,
            FiledAt = Timestamp.FromDateTimeOffset(r.FiledAt),
            Channel = Channels.Parse(r.Channel),
            SubjectKey = r.SubjectKey,
            Repeat = r.IsRepeat,
            RepeatOf = r.RepeatOf?.ToString() ?? "",
            Summary = r.Summary,
        }));
        return response;
    }
}
