using Complaints.Contracts.Intake.V1;
using Complaints.Intake.FileComplaint;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Audit;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Marten;

namespace Complaints.Intake.CustomerHistory;

public sealed class ListCustomerComplaintsHandler(IQuerySession session, PersonalDataProtector personalData, PersonalDataReads reads)
{
    public async Task<ListCustomerComplaintsResponse> HandleAsync(ListCustomerComplaintsRequest request, Caller caller, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.CustomerId))
            new FieldViolations().Add("customer_id", "is required").ThrowIfAny();

        var customerId = request.CustomerId.Trim();
        var records = await session.Query<CustomerComplaintRecord>()
            .Where(c => c.CustomerId == customerId)
            .OrderByDescending(c => c.FiledAt)
            .ToListAsync(cancellationToken);

        if (records.Count > 0)
            await reads.RecordAsync(records.Select(r => r.Id), caller, "complaints.intake.v1.Intake/ListCustomerComplaints",
                caller.SeesPersonalData ? PersonalDataReadView.Clear : PersonalDataReadView.Masked, cancellationToken);
        var response = new ListCustomerComplaintsResponse { CustomerId = customerId };
        foreach (var r in records)
        {
            response.Complaints.Add(new CustomerComplaint
            {
                ComplaintId = r.Id.ToString(),
                ComplaintNumber = r.ComplaintNumber,
                FiledAt = Timestamp.FromDateTimeOffset(r.FiledAt),
                Channel = Channels.Parse(r.Channel),
                SubjectKey = r.SubjectKey,
                Repeat = r.IsRepeat,
                RepeatOf = r.RepeatOf?.ToString() ?? "",
                Summary = await personalData.DiscloseAsync(r.Summary, caller.SeesPersonalData, cancellationToken),
            });
        }
        return response;
    }
}
