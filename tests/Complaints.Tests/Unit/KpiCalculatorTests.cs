using Complaints.Followup.Facts;
using Complaints.Followup.Kpis;

namespace Complaints.Tests.Unit;

public sealed class KpiCalculatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static ComplaintFacts Facts(double? firstResponseMinutes, double? resolvedHours, int breaches = 0, int escalations = 0,
        bool repeat = false, int reopens = 0, (int, int, int, int)? survey = null) => new()
    {
        Id = Guid.NewGuid(),
        FiledAt = T0,
        FirstResponseAt = firstResponseMinutes is { } m ? T0.AddMinutes(m) : null,
        FirstResolvedAt = resolvedHours is { } h ? T0.AddHours(h) : null,
        SlaBreaches = breaches,
        Escalations = escalations,
        Repeat = repeat,
        Reopens = reopens,
        Surveyed = survey is not null,
        Timeliness = survey?.Item1 ?? 0, Solution = survey?.Item2 ?? 0, Attitude = survey?.Item3 ?? 0, Nps = survey?.Item4 ?? 0,
    };

    [Fact]
    public void Figures_match_a_hand_computation()
    {
        var complaints = new[]
        {
            Facts(3, 2, survey: (5, 5, 4, 10)),                          // promoter, satisfied
            Facts(7, 30, breaches: 1, escalations: 1, survey: (2, 3, 3, 6)), // detractor, not satisfied (avg 2.67)
            Facts(12, 5, repeat: true, reopens: 1, survey: (4, 4, 4, 8)),    // passive, satisfied
            Facts(20, null, breaches: 2, escalations: 2),
            Facts(null, null),
        };

        var kpi = KpiCalculator.Compute("all", complaints);

        Assert.Equal(5, kpi.Complaints);
        Assert.Equal(9.5, kpi.FirstResponseMinutesMedian);     // of 3, 7, 12, 20
        Assert.Equal(20, kpi.FirstResponseMinutesP90);         // nearest rank: ceil(0.9 x 4) = 4th
        Assert.Equal(37.0 / 3, kpi.AverageHandlingHours, 10);  // (2 + 30 + 5) / 3
        Assert.Equal(0.6, kpi.SolveRate, 10);                  // 3 of 5
        Assert.Equal(0.6, kpi.SlaCompliance, 10);              // 3 without a breach
        Assert.Equal(0.4, kpi.EscalationRate, 10);
        Assert.Equal(0.2, kpi.RepeatRate, 10);
        Assert.Equal(1.0 / 3, kpi.ReopenRate, 10);             // 1 of the 3 resolved
        Assert.Equal(3, kpi.Surveys);
        Assert.Equal(2.0 / 3, kpi.Csat, 10);                   // averages 4.67 and 4 of 4.67, 2.67, 4
        Assert.Equal(0, kpi.Nps, 10);                          // 1 promoter - 1 detractor of 3
    }

    [Fact]
    public void Repeats_while_open_second_complaints_after_closure_and_closures_are_counted_apart()
    {
        var closed = Facts(5, 3);
        closed.ClosedAt = T0.AddDays(4);
        var second = Facts(5, null, repeat: true);
        second.SecondComplaintOf = Guid.NewGuid();
        var complaints = new[] { closed, second, Facts(5, null, repeat: true), Facts(5, null) };

        var kpi = KpiCalculator.Compute("all", complaints);

        Assert.Equal(0.25, kpi.RepeatRate, 10);          // the repeat while the earlier one was open
        Assert.Equal(0.25, kpi.SecondComplaintRate, 10); // the one after closure, not also a repeat
        Assert.Equal(0.25, kpi.ClosureRate, 10);
    }

    [Fact]
    public void No_complaints_give_zeroes_not_errors()
    {
        var kpi = KpiCalculator.Compute("billing", []);
        Assert.Equal(0, kpi.Complaints);
        Assert.Equal(0, kpi.Csat);
    }
}
