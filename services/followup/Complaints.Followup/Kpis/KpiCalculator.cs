using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
using Complaints.ServiceDefaults.ServiceLevels;

namespace Complaints.Followup.Kpis;

/// <summary>
/// The brief's KPIs over a set of complaints (those filed in a period), from their facts:
/// first-response time (median, p90), average handling time (filing to first resolution), solve
/// rate, SLA compliance (no deadline breached), escalation rate, repeat rate (while the earlier one
/// was open), second-complaint rate (after it closed), closure rate, reopen rate (of those resolved),
/// CSAT (share of surveys averaging 4 or more) and NPS.
/// </summary>
public static class KpiCalculator
{
    public static Kpi Compute(string group, IReadOnlyCollection<ComplaintFacts> complaints, IReadOnlyList<RegulatoryClock>? clocks = null)
    {
        var kpi = new Kpi { Group = group, Complaints = complaints.Count };
        if (complaints.Count == 0) return kpi;

        var firstResponses = complaints.Where(c => c.FirstResponseAt is not null)
            .Select(c => (c.FirstResponseAt!.Value - c.FiledAt).TotalMinutes).Order().ToArray();
        var resolved = complaints.Where(c => c.FirstResolvedAt is not null).ToList();
        var surveys = complaints.Where(c => c.Surveyed).ToList();

        kpi.FirstResponseMinutesMedian = Median(firstResponses);
        kpi.FirstResponseMinutesP90 = NearestRank(firstResponses, 90);
        kpi.AverageHandlingHours = resolved.Count == 0 ? 0 : resolved.Average(c => (c.FirstResolvedAt!.Value - c.FiledAt).TotalHours);
        kpi.SolveRate = Share(resolved.Count, complaints.Count);
        kpi.SlaCompliance = Share(complaints.Count(c => c.SlaBreaches == 0), complaints.Count);
        kpi.EscalationRate = Share(complaints.Count(c => c.Escalations > 0), complaints.Count);
        // A repeat while the earlier complaint is open, and a second complaint after it closed, are different failures.
        kpi.RepeatRate = Share(complaints.Count(c => c.Repeat && c.SecondComplaintOf is null), complaints.Count);
        kpi.SecondComplaintRate = Share(complaints.Count(c => c.SecondComplaintOf is not null), complaints.Count);
        kpi.ClosureRate = Share(complaints.Count(c => c.ClosedAt is not null), complaints.Count);
        kpi.ReopenRate = Share(resolved.Count(c => c.Reopens > 0), resolved.Count);
        kpi.Surveys = surveys.Count;
        kpi.Csat = Share(surveys.Count(s => (s.Timeliness + s.Solution + s.Attitude) / 3.0 >= 4), surveys.Count);
        kpi.Nps = surveys.Count == 0 ? 0 : 100.0 * (surveys.Count(s => s.Nps >= 9) - surveys.Count(s => s.Nps <= 6)) / surveys.Count;
        foreach (var clock in clocks ?? [])
        {
            var subject = complaints.Where(c => clock.AppliesTo(c.Category)).ToList();
            if (subject.Count == 0) continue;
            kpi.RegulatoryCompliance.Add(new ClockCompliance
            {
                Clock = clock.Name,
                Complaints = subject.Count,
                Compliance = Share(subject.Count(c => !c.BreachedDeadlines.Contains("regulatory:" + clock.Name)), subject.Count),
            });
        }
        return kpi;
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    private static double Median(double[] sorted) =>
        sorted.Length == 0 ? 0
        : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
        : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

    private static double NearestRank(double[] sorted, double percentile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
