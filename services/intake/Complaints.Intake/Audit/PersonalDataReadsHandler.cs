using Complaints.Contracts.Audit.V1;
using Complaints.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Marten;
using PersonalDataRead = Complaints.ServiceDefaults.Audit.PersonalDataRead;

namespace Complaints.Intake.Audit;

/// <summary>Who read which complaint's personal data, newest first.</summary>
public sealed class PersonalDataReadsHandler(IQuerySession session, AuditBundles bundles)
{
    public async Task<ListPersonalDataReadsResponse> HandleAsync(ListPersonalDataReadsRequest request, CancellationToken cancellationToken)
    {
        if (request.Limit is < 0 or > 1000) new FieldViolations().Add("limit", "must be from 1 to 1000 (0 means 100)").ThrowIfAny();
        var query = session.Query<PersonalDataRead>().AsQueryable();
        if (request.Complaint.Trim().Length > 0)
        {
            var id = await bundles.ResolveAsync(request.Complaint, "complaint", cancellationToken);
            query = query.Where(r => r.ComplaintId == id);
        }
        if (request.Reader.Trim().Length > 0)
        {
            var reader = request.Reader.Trim();
            query = query.Where(r => r.Subject == reader);
        }
        if (request.Period?.From is { } from)
        {
            var since = from.ToDateTimeOffset();
            query = query.Where(r => r.ReadAt >= since);
        }
        if (request.Period?.To is { } to)
        {
            var until = to.ToDateTimeOffset();
            query = query.Where(r => r.ReadAt < until);
        }
        var reads = await query.OrderByDescending(r => r.ReadAt).Take(request.Limit == 0 ? 100 : request.Limit).ToListAsync(cancellationToken);
        var response = new ListPersonalDataReadsResponse();
        response.Reads.AddRange(reads.Select(r => new Contracts.Audit.V1.PersonalDataRead
        {
            ComplaintId = r.ComplaintId.ToString(), Reader = r.Subject, Role = r.Role, Rpc = r.Rpc,
            View = r.View.ToString().ToLowerInvariant(), ReadAt = Timestamp.FromDateTimeOffset(r.ReadAt),
        }));
        return response;
    }
}
