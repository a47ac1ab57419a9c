using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Kpis;
using Complaints.ServiceDefaults;
using Complaints.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;

namespace Complaints.Tests.Integration;

/// <summary>KPIs read the narrow KPI table; rows missing from it (a new table, facts loaded in bulk) are filled from the facts documents.</summary>
[Collection(PlatformCollection.Name)]
public sealed class KpiFactsTableTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_missing_kpi_row_is_filled_from_the_facts_and_the_kpis_come_back_the_same()
    {
        // A period of our own.
        platform.Clock.Advance(TimeSpan.FromHours(2));
        var from = platform.Clock.GetUtcNow();
        var (id, _) = await Journeys.ResolvedAsync(platform, Requests.Valid(Complaints.Contracts.Intake.V1.Channel.Email, "I was charged a fee twice on my bill."));
        var period = new GetKpisRequest { From = Timestamp.FromDateTimeOffset(from), To = Timestamp.FromDateTimeOffset(from.AddMinutes(30)) };
        GetKpisResponse kpis;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do kpis = await platform.Followup.GetKpisAsync(period);
        while (!(kpis.Kpis[0].Complaints == 1 && kpis.Kpis[0].SolveRate == 1) && DateTime.UtcNow < deadline && await Delay());
        Assert.Equal((1, 1.0), (kpis.Kpis[0].Complaints, kpis.Kpis[0].SolveRate));

        await using (var delete = platform.Database.CreateCommand($"delete from {ComplaintsSettings.EventStoreSchema}.{KpiFactsTable.Name} where id = @id"))
        {
            delete.Parameters.AddWithValue("id", Guid.Parse(id));
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }
        Assert.Equal(0, (await platform.Followup.GetKpisAsync(period)).Kpis[0].Complaints);

        Assert.True(await KpiFactsTable.FillMissingAsync(platform.Database, "Asia/Shanghai", CancellationToken.None) >= 1);
        Assert.Equal(kpis, await platform.Followup.GetKpisAsync(period));
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(100);
        return true;
    }
}
