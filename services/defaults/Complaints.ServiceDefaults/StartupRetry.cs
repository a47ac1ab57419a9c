using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Start-up work that needs PostgreSQL or RabbitMQ (the schema, the dead-letter queue) is done in
/// the background and tried again with backoff until it succeeds, so a service starts, answers its
/// liveness probe and reports itself not ready, whatever its dependencies are doing at that moment,
/// and recovers from an outage during start-up as it does at run time.
/// </summary>
public static class StartupRetry
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public static async Task UntilDoneAsync(Func<CancellationToken, Task> work, string what, ILogger logger, CancellationToken stoppingToken)
    {
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await work(stoppingToken);
                if (attempt > 1) logger.LogInformation("Start-up: {What} succeeded on attempt {Attempt}", what, attempt);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Any failure, not only the ones known as outages: a broker closing the channel during a
                // restart, a database still recovering. A real defect shows as this warning repeating.
                logger.Log(attempt < 5 ? LogLevel.Warning : LogLevel.Error,
                    "Start-up: {What} failed on attempt {Attempt} ({Exception}: {Message}); trying again in {Backoff}",
                    what, attempt, ex.GetType().Name, ex.Message, backoff);
            }
            // Real time, not the injected clock: this waits for infrastructure, it is no business rule.
            await Task.Delay(backoff, TimeProvider.System, stoppingToken);
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }
}

/// <summary>
/// Whether the event store's schema is in place (<see cref="ApplySchemaAtStart"/>; at once where the
/// service may not create it, as in production, where the chart's pre-upgrade job applied it). Until
/// then the service is not ready, its background work and consumers wait (<see cref="AfterSchema"/>,
/// <see cref="WaitForSchema{T}"/>) and its RPCs wait a little, then answer Unavailable.
/// </summary>
public sealed class SchemaReadiness : IHealthCheck
{
    private readonly TaskCompletionSource applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Applied => applied.Task.IsCompleted;

    public Task WhenApplied => applied.Task;

    public void MarkApplied() => applied.TrySetResult();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Applied ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("the event store's schema is not applied yet"));
}
