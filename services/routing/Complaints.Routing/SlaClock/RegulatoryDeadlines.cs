using Complaints.Routing.Assignment;
using Complaints.Domain.ServiceLevels;

namespace Complaints.Routing.SlaClock;

/// <summary>The regulators' clocks on a case, from its category: at routing, and again when a correction changes the category.</summary>
public static class RegulatoryDeadlines
{
    /// <summary>
    /// The clocks that apply to <paramref name="category"/>, running from receipt whatever the call
    /// center's own targets say. A clock the case already has keeps its state (extended, breached);
    /// one that no longer applies is dropped; one that now applies starts from receipt.
    /// </summary>
    public static List<RegulatoryDeadline> For(SlaPolicy sla, string category, bool complex, DateTimeOffset filedAt, IReadOnlyList<RegulatoryDeadline>? current = null) =>
        sla.RegulatoryClocks
            .Where(c => c.AppliesTo(category))
            .Select(c => current?.FirstOrDefault(k => k.Name == c.Name) ?? New(c, c.DueFor(filedAt, complex, sla.TimeZone)))
            .ToList();

    public static RegulatoryDeadline New(RegulatoryClock clock, DateTimeOffset due) => new(clock.Name, clock.Rule, due, due - clock.WarnBefore);
}
