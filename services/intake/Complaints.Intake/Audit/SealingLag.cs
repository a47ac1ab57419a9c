using System.Diagnostics.Metrics;
using Complaints.ServiceDefaults;
using Npgsql;

namespace Complaints.Intake.Audit;

/// <summary>
/// How far sealing is behind the store (<c>complaints.sealing.lag</c> in events and
/// <c>complaints.sealing.lag.time</c> in seconds): exports and verifications wait for it, so it is
/// worth an alert (docs/operations.md). Measured by <see cref="LagGauges"/>.
/// </summary>
public sealed class SealingLag(AuditStore audit, NpgsqlDataSource database, TimeProvider clock) : ILagSample
{
    private static readonly Meter Meter = new("Complaints.Audit");
    private static long events;
    private static double seconds;

    static SealingLag()
    {
        Meter.CreateObservableGauge("complaints.sealing.lag", () => Volatile.Read(ref events), "{event}", "Committed complaint events not sealed yet");
        Meter.CreateObservableGauge("complaints.sealing.lag.time", () => Volatile.Read(ref seconds), "s", "Age of the oldest committed complaint event not sealed yet (0 when none waits)");
    }

    public const string MeterName = "Complaints.Audit";

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var position = await audit.SealerPositionAsync(cancellationToken);
        await using var command = database.CreateCommand(
            $"select coalesce((select last_seq_id from {ComplaintsSettings.EventStoreSchema}.mt_event_progression where name = 'HighWaterMark'), 0)");
        var mark = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        Volatile.Write(ref events, Math.Max(0, mark - position));
        Volatile.Write(ref seconds, await RelayMonitor.SecondsBehindAsync(database, position, clock, cancellationToken));
    }
}
