using Complaints.Contracts.Intake.V1;
using Complaints.Domain.ComplaintStream;
using Complaints.Intake.FileComplaint;
using Complaints.Intake.GetComplaint;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Audit;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Marten;

namespace Complaints.Intake.CustomerHistory;

/// <summary>
/// A customer's earlier complaints, for recognising the caller. Agents and supervisors see the list
/// only when they may read at least one of the customer's complaints (GetComplaint's per-case rule),
/// and then what each complaint says only where that rule lets them read it; the other roles read
/// as they read any complaint (analysts masked).
/// </summary>
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

        var readable = await ReadableAsync(records, caller, cancellationToken);
        // Nothing of this customer's is the caller's: the answer does not even say the customer exists.
        if (readable.Count == 0) return new ListCustomerComplaintsResponse { CustomerId = customerId };

        await reads.RecordAsync(readable, caller, "complaints.intake.v1.Intake/ListCustomerComplaints",
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
                Summary = readable.Contains(r.Id) ? await personalData.DiscloseAsync(r.Summary, caller.SeesPersonalData, cancellationToken) : "",
                SummaryWithheld = !readable.Contains(r.Id),
            });
        }
        return response;
    }

    /// <summary>The complaints among <paramref name="records"/> the caller may read, by the rule GetComplaint applies.</summary>
    private async Task<HashSet<Guid>> ReadableAsync(IReadOnlyList<CustomerComplaintRecord> records, Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.Is(Roles.Agent) && !caller.Is(Roles.Supervisor)) return records.Select(r => r.Id).ToHashSet();
        var readable = new HashSet<Guid>();
        foreach (var record in records)
        {
            var events = await session.Events.FetchStreamAsync(record.Id, token: cancellationToken);
            if (ComplaintLife.Fold(record.Id, events.Select(e => (e.Version, e.Data))) is { } life && new ComplaintAccess(life).MayRead(caller, out _))
                readable.Add(record.Id);
        }
        return readable;
    }
}
