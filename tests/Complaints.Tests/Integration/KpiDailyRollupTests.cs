using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
using Complaints.Followup.Kpis;
using Complaints.ServiceDefaults;
using Complaints.Domain.ServiceLevels;
using Complaints.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Complaints.Tests.Integration;

/// <summary>
/// KPIs over whole business days come from the daily roll-ups (days a trigger on kpi_facts marked
/// stale are totalled again first), and the partial days at either end from the rows. Whatever was inserted, changed or deleted, they
/// must equal the exact figures computed from every row (first-response percentiles to within the
/// histogram's 1%). Real PostgreSQL and follow-up over gRPC.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class KpiDailyRollupTests(PlatformFixture platform)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    // Days of our own, long before anything the other tests file: Monday 5 March 2001, midnight in Shanghai.
    private static readonly DateTimeOffset Monday = new(2001, 3, 5, 0, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Kpis_from_the_daily_rollups_equal_the_exact_figures_of_the_rows_after_inserts_changes_and_deletes()
    {
        var store = platform.FollowupApp.Services.GetRequiredService<IDocumentStore>();
        var clocks = platform.FollowupApp.Services.GetRequiredService<IOptions<SlaOptions>>().Value.RegulatoryClocks;
        Assert.NotEmpty(clocks);
        var random = new Random(20010305);
        var facts = Enumerable.Range(0, 600).Select(_ => Generate(random, clocks[random.Next(clocks.Count)].Name)).ToList();
        await WriteAsync(store, facts);

        // Changes after the fact: resolutions, surveys and a re-routing move a row's contribution between groups and days' figures.
        foreach (var changed in facts.Where((_, i) => i % 7 == 0))
        {
            changed.FirstResolvedAt ??= changed.FiledAt.AddHours(3);
            changed.Team = "rerouted";
            changed.Surveyed = true;
            changed.Timeliness = changed.Solution = changed.Attitude = 5;
            changed.Nps = 10;
        }
        await WriteAsync(store, facts.Where((_, i) => i % 7 == 0));
        var deleted = facts.Where((_, i) => i % 11 == 0).Select(f => f.Id).ToArray();
        await using (var delete = platform.Database.CreateCommand($"delete from {ComplaintsSettings.EventStoreSchema}.{KpiFactsTable.Name} where id = any(@ids)"))
        {
            delete.Parameters.AddWithValue("ids", deleted);
            Assert.Equal(deleted.Length, await delete.ExecuteNonQueryAsync());
        }

        var handler = platform.FollowupApp.Services.CreateScope().ServiceProvider.GetRequiredService<GetKpisHandler>();
        // Three whole days between a partial first and last day.
        var period = (From: Monday.AddHours(13.5), To: Monday.AddDays(4).AddHours(7.25));
        foreach (var grouping in new[] { KpiGrouping.Unspecified, KpiGrouping.Team, KpiGrouping.Category, KpiGrouping.Agent, KpiGrouping.Day, KpiGrouping.Week, KpiGrouping.Month })
        {
            var request = new GetKpisRequest { From = Timestamp.FromDateTimeOffset(period.From), To = Timestamp.FromDateTimeOffset(period.To), GroupBy = grouping };
            var exact = await handler.ExactAsync(request, CancellationToken.None);
            var rolledUp = await platform.Followup.GetKpisAsync(request);
            Assert.True(exact.Kpis[0].Complaints > 250, $"the period holds {exact.Kpis[0].Complaints} complaints");
            Assert.Equal(exact.NuisanceContactsExcluded, rolledUp.NuisanceContactsExcluded);
            Assert.Equal(exact.Kpis.Select(k => k.Group), rolledUp.Kpis.Select(k => k.Group));
            foreach (var (expected, actual) in exact.Kpis.Zip(rolledUp.Kpis)) AssertSame(grouping, expected, actual);
        }

        // A period within a day is computed from the rows, exactly.
        var withinADay = new GetKpisRequest { From = Timestamp.FromDateTimeOffset(Monday.AddHours(1)), To = Timestamp.FromDateTimeOffset(Monday.AddHours(23)) };
        Assert.Equal(await handler.ExactAsync(withinADay, CancellationToken.None), await platform.Followup.GetKpisAsync(withinADay));

        // Taking every row out leaves nothing in the roll-ups of those days once a report reads them.
        await using (var delete = platform.Database.CreateCommand($"delete from {ComplaintsSettings.EventStoreSchema}.{KpiFactsTable.Name} where id = any(@ids)"))
        {
            delete.Parameters.AddWithValue("ids", facts.Select(f => f.Id).ToArray());
            await delete.ExecuteNonQueryAsync();
        }
        var week = new GetKpisRequest { From = Timestamp.FromDateTimeOffset(Monday.AddDays(-1)), To = Timestamp.FromDateTimeOffset(Monday.AddDays(6)) };
        Assert.Equal((0, 0), ((await platform.Followup.GetKpisAsync(week)).Kpis[0].Complaints, (await platform.Followup.GetKpisAsync(week)).NuisanceContactsExcluded));
        await using var left = platform.Database.CreateCommand(
            $"select count(*) from {ComplaintsSettings.EventStoreSchema}.kpi_daily where local_day between '2001-03-03' and '2001-03-12' and (complaints <> 0 or nuisance_contacts <> 0 or resolved <> 0 or surveys <> 0)");
        Assert.Equal(0L, await left.ExecuteScalarAsync());
    }

    private static void AssertSame(KpiGrouping grouping, Kpi expected, Kpi actual)
    {
        var where = $"{grouping} {expected.Group}";
        Assert.True(expected.Complaints == actual.Complaints, $"{where}: {expected.Complaints} vs {actual.Complaints} complaints");
        foreach (var (name, e, a) in new[]
        {
            ("handling hours", expected.AverageHandlingHours, actual.AverageHandlingHours), ("solve rate", expected.SolveRate, actual.SolveRate),
            ("SLA compliance", expected.SlaCompliance, actual.SlaCompliance), ("escalation rate", expected.EscalationRate, actual.EscalationRate),
            ("repeat rate", expected.RepeatRate, actual.RepeatRate), ("second complaints", expected.SecondComplaintRate, actual.SecondComplaintRate),
            ("closure rate", expected.ClosureRate, actual.ClosureRate), ("reopen rate", expected.ReopenRate, actual.ReopenRate),
            ("surveys", expected.Surveys, actual.Surveys), ("CSAT", expected.Csat, actual.Csat), ("NPS", expected.Nps, actual.Nps),
            ("closed without feedback", expected.ClosedWithoutFeedback, actual.ClosedWithoutFeedback),
        })
            Assert.True(Math.Abs(e - a) < 1e-9, $"{where} {name}: exact {e}, rolled up {a}");
        foreach (var (name, e, a) in new[]
        {
            ("first response median", expected.FirstResponseMinutesMedian, actual.FirstResponseMinutesMedian),
            ("first response p90", expected.FirstResponseMinutesP90, actual.FirstResponseMinutesP90),
        })
            Assert.True(Math.Abs(e - a) <= 0.0101 * e + 1.0 / 60, $"{where} {name}: exact {e}, rolled up {a}");
        Assert.Equal(expected.RegulatoryCompliance, actual.RegulatoryCompliance);
    }

    private static ComplaintFacts Generate(Random random, string clock)
    {
        // Filed from the Sunday before to the Saturday after, at any minute.
        var filed = Monday.AddDays(-1).AddMinutes(random.Next(6 * 24 * 60)).ToUniversalTime();
        var resolved = random.NextDouble() < 0.7;
        var surveyed = resolved && random.NextDouble() < 0.6;
        var closed = resolved && random.NextDouble() < 0.8;
        var breaches = random.NextDouble() < 0.2 ? (random.NextDouble() < 0.5 ? new List<string> { "resolution" } : ["first_response", "regulatory:" + clock]) : [];
        return new ComplaintFacts
        {
            Id = Guid.NewGuid(),
            FiledAt = filed,
            Team = new[] { "customer-care", "billing", "logistics" }[random.Next(3)],
            Category = new[] { "billing_fees", "privacy_data", "logistics_delivery", "service_attitude" }[random.Next(4)],
            Agent = $"agent-{random.Next(5)}",
            Nuisance = random.NextDouble() < 0.05,
            // Seconds to days, spread over the histogram's buckets.
            FirstResponseAt = random.NextDouble() < 0.9 ? filed.AddSeconds(Math.Exp(random.NextDouble() * 11)) : null,
            FirstResolvedAt = resolved ? filed.AddHours(random.NextDouble() * 200) : null,
            ClosedAt = closed ? filed.AddDays(5) : null,
            ClosedWithoutFeedback = closed && !surveyed && random.NextDouble() < 0.5,
            Escalations = random.Next(3) == 0 ? 1 : 0,
            SlaBreaches = breaches.Count,
            BreachedDeadlines = breaches,
            Reopens = random.Next(10) == 0 ? 1 : 0,
            Repeat = random.Next(8) == 0,
            SecondComplaintOf = random.Next(12) == 0 ? Guid.NewGuid() : null,
            Surveyed = surveyed,
            Timeliness = surveyed ? 1 + random.Next(5) : 0,
            Solution = surveyed ? 1 + random.Next(5) : 0,
            Attitude = surveyed ? 1 + random.Next(5) : 0,
            Nps = surveyed ? random.Next(11) : 0,
        };
    }

    private static async Task WriteAsync(IDocumentStore store, IEnumerable<ComplaintFacts> facts)
    {
        await using var session = store.LightweightSession();
        foreach (var f in facts) KpiFactsTable.Upsert(session, f, Shanghai);
        await session.SaveChangesAsync();
    }
}
