using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Complaints.ServiceDefaults;

/// <summary>
/// How far the relay is behind: the store's highest committed event sequence minus the relay's
/// position, both from Marten's own progress table. Published as the metric
/// <c>complaints.relay.lag</c> (events) and as the gRPC health service <c>relay</c>, which turns
/// unhealthy when the lag passes <see cref="RelayOptions.LagAlert"/> or nothing moved for
/// <see cref="RelayOptions.StallAlert"/> while events wait: the alert for a relay that stopped.
/// </summary>
public sealed class RelayMonitor : IHealthCheck, ILagSample
{
    public const string HealthTag = "complaints-relay";
    public const string HealthService = "relay";
    public static readonly Meter Meter = new("Complaints.Relay");

    private readonly NpgsqlDataSource database;
    private readonly RelayOptions options;
    private readonly TimeProvider clock;
    private long lastPosition = -1;
    private DateTimeOffset lastMove;
    private long lastLag;
    private double lastLagSeconds;

    public RelayMonitor(NpgsqlDataSource database, IOptions<RelayOptions> options, TimeProvider clock)
    {
        this.database = database;
        this.options = options.Value;
        this.clock = clock;
        lastMove = clock.GetUtcNow();
        Meter.CreateObservableGauge("complaints.relay.lag", () => Volatile.Read(ref lastLag), "{event}",
            "Committed complaint events the relay has not published yet");
        Meter.CreateObservableGauge("complaints.relay.lag.time", () => Volatile.Read(ref lastLagSeconds), "s",
            "Age of the oldest committed complaint event the relay has not published yet (0 when none waits)");
    }

    /// <summary>Measures the lag gauges: events behind, and how long the oldest waiting event has waited.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var (highWater, position) = await ReadAsync(cancellationToken);
        Volatile.Write(ref lastLag, Math.Max(0, highWater - position));
        Volatile.Write(ref lastLagSeconds, await SecondsBehindAsync(database, position, clock, cancellationToken));
    }

    /// <summary>How long the first committed event after <paramref name="position"/> has been waiting; 0 when there is none.</summary>
    public static async Task<double> SecondsBehindAsync(NpgsqlDataSource database, long position, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"select timestamp from {ComplaintsSettings.EventStoreSchema}.mt_events where seq_id > @position order by seq_id limit 1");
        command.Parameters.AddWithValue("position", position);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime waiting
            ? Math.Max(0, (clock.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(waiting, DateTimeKind.Utc))).TotalSeconds)
            : 0;
    }

    /// <summary>(highest committed sequence, relay position) from Marten's progress table.</summary>
    public async Task<(long HighWater, long Position)> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            select coalesce((select max(seq_id) from {ComplaintsSettings.EventStoreSchema}.mt_events), 0),
                   coalesce((select max(last_seq_id) from {ComplaintsSettings.EventStoreSchema}.mt_event_progression
                             where name like '{ComplaintEventRelay.SubscriptionName}%'), 0)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (highWater, position) = await ReadAsync(cancellationToken);
        var lag = Math.Max(0, highWater - position);
        Volatile.Write(ref lastLag, lag);
        var now = clock.GetUtcNow();
        if (position != lastPosition || lag == 0)
        {
            lastPosition = position;
            lastMove = now;
        }
        var data = new Dictionary<string, object> { ["lag"] = lag, ["position"] = position, ["high_water"] = highWater };
        if (lag > options.LagAlert)
            return HealthCheckResult.Unhealthy($"The relay is {lag} events behind (alert above {options.LagAlert})", data: data);
        if (lag > 0 && now - lastMove > options.StallAlert)
            return HealthCheckResult.Unhealthy($"The relay published nothing for {now - lastMove:g} with {lag} events waiting; see docs/operations.md", data: data);
        return HealthCheckResult.Healthy($"{lag} events waiting", data);
    }
}
