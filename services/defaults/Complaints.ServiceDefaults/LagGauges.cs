using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Something on a relay replica that measures how far behind it is (the relay itself; intake's sealer).
/// </summary>
public interface ILagSample
{
    Task SampleAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Keeps the lag gauges current on every relay replica, on a schedule of their own (<see
/// cref="RelayOptions.LagSampleInterval"/>), so a dashboard sees a relay or sealer falling behind
/// even when no health probe asks.
/// </summary>
public sealed class LagGauges(IEnumerable<ILagSample> samples, RelayMonitor relay, IOptions<RelayOptions> options, TimeProvider clock, ILogger<LagGauges> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.LagSampleInterval;
        if (interval <= TimeSpan.Zero) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var sample in samples.Prepend(relay))
            {
                try
                {
                    await sample.SampleAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // PostgreSQL down: the gauges keep their last value; the health checks say what is wrong.
                    logger.LogDebug(ex, "Measuring {Sample}'s lag failed", sample.GetType().Name);
                }
            }
            try { await Task.Delay(interval, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
