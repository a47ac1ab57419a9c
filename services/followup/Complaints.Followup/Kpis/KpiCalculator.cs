using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
using Complaints.Domain.ServiceLevels;

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
        var tally = new KpiTally();
        foreach (var complaint in complaints) tally.Add(complaint);
        return tally.ToKpi(group, clocks ?? []);
    }
}

/// <summary>
/// The sums behind the KPIs of a group of complaints. They add up, so a period's tally is the sum
/// of its days' (<see cref="KpiDailyRollup"/>); what one complaint contributes is
/// <see cref="Add(ComplaintFacts)"/> here and <c>kpi_complaint_contribution</c> in SQL, held equal by
/// KpiDailyRollupTests. First responses are kept exactly while they come from facts, and as a
/// histogram once a day's roll-up is merged in.
/// </summary>
public sealed class KpiTally
{
    private readonly double[] counters = new double[KpiDailyRollup.Counters.Length];
    private readonly Dictionary<string, long> complaintsByCategory = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Category, string Clock), long> regulatoryBreaches = [];
    private readonly List<double> firstResponseMinutes = [];
    private readonly SortedDictionary<int, long> firstResponseBuckets = [];

    private double this[string counter]
    {
        get => counters[Array.IndexOf(KpiDailyRollup.Counters, counter)];
        set => counters[Array.IndexOf(KpiDailyRollup.Counters, counter)] = value;
    }

    public long NuisanceContacts => (long)this["nuisance_contacts"];

    public bool HasComplaints => this["complaints"] > 0;

    public void Add(ComplaintFacts c)
    {
        if (c.Nuisance)
        {
            // Harassment and nonsense contacts are handled like any other but would distort every figure.
            this["nuisance_contacts"]++;
            return;
        }
        complaintsByCategory[c.Category] = complaintsByCategory.GetValueOrDefault(c.Category) + 1;
        this["complaints"]++;
        if (c.FirstResponseAt is { } responded)
        {
            this["first_responses"]++;
            firstResponseMinutes.Add((responded - c.FiledAt).TotalMinutes);
        }
        if (c.FirstResolvedAt is { } resolved)
        {
            this["resolved"]++;
            this["handling_hours"] += (resolved - c.FiledAt).TotalHours;
            if (c.Reopens > 0) this["reopened"]++;
        }
        if (c.SlaBreaches == 0) this["sla_kept"]++;
        if (c.Escalations > 0) this["escalated"]++;
        // A repeat while the earlier complaint is open, and a second complaint after it closed, are different failures.
        if (c.Repeat && c.SecondComplaintOf is null) this["repeats"]++;
        if (c.SecondComplaintOf is not null) this["second_complaints"]++;
        if (c.ClosedAt is not null) this["closed"]++;
        if (c.ClosedWithoutFeedback) this["closed_without_feedback"]++;
        if (c.Surveyed)
        {
            this["surveys"]++;
            if (c.Timeliness + c.Solution + c.Attitude >= 12) this["satisfied"]++; // an average of 4 or more
            if (c.Nps >= 9) this["promoters"]++;
            if (c.Nps <= 6) this["detractors"]++;
        }
        foreach (var clock in c.BreachedDeadlines.Select(Deadline.Parse).Where(d => d.Kind == DeadlineKind.Regulatory).Select(d => d.Clock).Distinct())
            regulatoryBreaches[(c.Category, clock)] = regulatoryBreaches.GetValueOrDefault((c.Category, clock)) + 1;
    }

    /// <summary>A day's (or a partial day's) sums of one category, in <see cref="KpiDailyRollup.Counters"/> order.</summary>
    public void Add(string category, IReadOnlyList<double> sums)
    {
        for (var i = 0; i < counters.Length; i++) counters[i] += sums[i];
        complaintsByCategory[category] = complaintsByCategory.GetValueOrDefault(category) + (long)sums[0];
    }

    public void AddFirstResponses(int bucket, long responses)
    {
        foreach (var minutes in firstResponseMinutes) AddToBucket(Bucket(minutes), 1);
        firstResponseMinutes.Clear();
        AddToBucket(bucket, responses);
    }

    public void AddRegulatoryBreaches(string category, string clock, long breaches) =>
        regulatoryBreaches[(category, clock)] = regulatoryBreaches.GetValueOrDefault((category, clock)) + breaches;

    public void Add(KpiTally other)
    {
        for (var i = 0; i < counters.Length; i++) counters[i] += other.counters[i];
        foreach (var (category, n) in other.complaintsByCategory) complaintsByCategory[category] = complaintsByCategory.GetValueOrDefault(category) + n;
        foreach (var (key, n) in other.regulatoryBreaches) regulatoryBreaches[key] = regulatoryBreaches.GetValueOrDefault(key) + n;
        foreach (var (bucket, n) in other.firstResponseBuckets) AddFirstResponses(bucket, n);
        if (firstResponseBuckets.Count > 0) foreach (var minutes in other.firstResponseMinutes) AddToBucket(Bucket(minutes), 1);
        else firstResponseMinutes.AddRange(other.firstResponseMinutes);
    }

    private void AddToBucket(int bucket, long n) => firstResponseBuckets[bucket] = firstResponseBuckets.GetValueOrDefault(bucket) + n;

    /// <summary>kpi_first_response_bucket's bucket of a first response.</summary>
    public static int Bucket(double minutes)
    {
        var seconds = minutes * 60;
        return seconds < 1 ? 0 : (int)Math.Ceiling(Math.Log(seconds) / Math.Log(KpiDailyRollup.BucketGrowth));
    }

    /// <summary>The middle of a bucket, in minutes: within 1% of every value in it.</summary>
    public static double Representative(int bucket) =>
        bucket == 0 ? 0 : 2 * Math.Pow(KpiDailyRollup.BucketGrowth, bucket) / (KpiDailyRollup.BucketGrowth + 1) / 60;

    public Kpi ToKpi(string group, IReadOnlyList<RegulatoryClock> clocks)
    {
        var complaints = (long)this["complaints"];
        var kpi = new Kpi { Group = group, Complaints = (int)complaints };
        if (complaints == 0) return kpi;
        var resolved = this["resolved"];
        var surveys = this["surveys"];

        var responses = (long)this["first_responses"];
        kpi.FirstResponseMinutesMedian = responses % 2 == 1
            ? FirstResponseAtRank(responses / 2 + 1)
            : (FirstResponseAtRank(responses / 2) + FirstResponseAtRank(responses / 2 + 1)) / 2;
        kpi.FirstResponseMinutesP90 = FirstResponseAtRank((long)Math.Ceiling(0.9 * responses));
        kpi.AverageHandlingHours = resolved == 0 ? 0 : this["handling_hours"] / resolved;
        kpi.SolveRate = Share(resolved, complaints);
        kpi.SlaCompliance = Share(this["sla_kept"], complaints);
        kpi.EscalationRate = Share(this["escalated"], complaints);
        kpi.RepeatRate = Share(this["repeats"], complaints);
        kpi.SecondComplaintRate = Share(this["second_complaints"], complaints);
        kpi.ClosureRate = Share(this["closed"], complaints);
        kpi.ClosedWithoutFeedback = (int)this["closed_without_feedback"];
        kpi.ReopenRate = Share(this["reopened"], resolved);
        kpi.Surveys = (int)surveys;
        kpi.Csat = Share(this["satisfied"], surveys);
        kpi.Nps = surveys == 0 ? 0 : 100.0 * (this["promoters"] - this["detractors"]) / surveys;
        foreach (var clock in clocks)
        {
            var subject = complaintsByCategory.Where(c => clock.AppliesTo(c.Key)).Sum(c => c.Value);
            if (subject == 0) continue;
            var breached = regulatoryBreaches.Where(b => b.Key.Clock == clock.Name && clock.AppliesTo(b.Key.Category)).Sum(b => b.Value);
            kpi.RegulatoryCompliance.Add(new ClockCompliance { Clock = clock.Name, Complaints = (int)subject, Compliance = Share(subject - breached, subject) });
        }
        return kpi;
    }

    /// <summary>The first response of rank 1..n (nearest rank), exact or its bucket's middle; 0 when there is none.</summary>
    private double FirstResponseAtRank(long rank)
    {
        var n = (long)this["first_responses"];
        if (n == 0) return 0;
        rank = Math.Clamp(rank, 1, n);
        if (firstResponseBuckets.Count == 0)
        {
            firstResponseMinutes.Sort();
            return firstResponseMinutes[(int)rank - 1];
        }
        long seen = 0;
        foreach (var (bucket, count) in firstResponseBuckets)
            if ((seen += count) >= rank) return Representative(bucket);
        return Representative(firstResponseBuckets.Keys.Last());
    }

    private static double Share(double part, double whole) => whole == 0 ? 0 : part / whole;
}
