using Complaints.Domain.ServiceLevels;
using System.Globalization;
using System.Text;
using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
using Marten;

namespace Complaints.Followup.Kpis;

/// <summary>
/// The period's complaints as CSV (RFC 4180) for management and regulators' returns: what each was
/// about, how long it took, how it ended. Built from follow-up's facts, so it holds no personal data.
/// </summary>
public sealed class ExportComplaintsCsvHandler(IQuerySession session)
{
    private static readonly string[] Columns =
    [
        "complaint_number", "filed_at", "category", "kind", "priority", "team", "outcome", "hours_to_resolve", "hours_to_close",
        "repeat", "second_complaint", "sla_breaches", "regulatory_breaches", "reopens", "satisfaction",
    ];

    public async Task<ExportComplaintsCsvResponse> HandleAsync(ExportComplaintsCsvRequest request, CancellationToken cancellationToken)
    {
        var (from, to) = ReportingPeriod.Of(request.From, request.To);
        var facts = await session.Query<ComplaintFacts>().Where(f => f.FiledAt >= from && f.FiledAt < to).OrderBy(f => f.FiledAt).ToListAsync(cancellationToken);
        var csv = new StringBuilder().Append(string.Join(',', Columns)).Append("\r\n");
        foreach (var f in facts)
        {
            string Hours(DateTimeOffset? at) => at is { } t ? (t - f.FiledAt).TotalHours.ToString("0.0", CultureInfo.InvariantCulture) : "";
            var outcome = f.Nuisance ? "nuisance" : f.ClosedAt is not null ? "closed" : f.Resolved ? "resolved" : "open";
            var satisfaction = f.Surveyed ? ((f.Timeliness + f.Solution + f.Attitude) / 3.0).ToString("0.00", CultureInfo.InvariantCulture) : "";
            csv.Append(string.Join(',', new[]
            {
                f.ComplaintNumber, f.FiledAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), f.Category, f.Kind, f.Priority, f.Team,
                outcome, Hours(f.FirstResolvedAt), Hours(f.ClosedAt), f.Repeat ? "1" : "0", f.SecondComplaintOf is null ? "0" : "1",
                f.SlaBreaches.ToString(CultureInfo.InvariantCulture), f.BreachedDeadlines.Count(d => Deadline.Parse(d).Kind == DeadlineKind.Regulatory).ToString(CultureInfo.InvariantCulture),
                f.Reopens.ToString(CultureInfo.InvariantCulture), satisfaction,
            }.Select(Field))).Append("\r\n");
        }
        return new ExportComplaintsCsvResponse { Csv = csv.ToString(), Complaints = facts.Count };
    }

    /// <summary>RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.</summary>
    private static string Field(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
