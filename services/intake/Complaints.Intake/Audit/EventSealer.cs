using Complaints.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Audit;

/// <summary>
/// Seals every committed complaint event into the hash chains, within a second or so of commit. It
/// runs in the single daemon instance (the relay), reads the store's own rows up to Marten's
/// high-water mark and records its position in the same transaction as the seals: sealing is never
/// half done, never skips, and resumes where it stopped. Of the relay's replicas, the leader seals
/// (<see cref="RelayLeader"/>); a standby takes over where the leader stopped.
/// </summary>
public sealed class EventSealer(AuditStore audit, RelayLeader leader, IOptions<AuditOptions> options, ILogger<EventSealer> logger) : BackgroundService
{
    private const int BatchSize = 1000;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leader.WhileLeadingAsync(SealAsync, stoppingToken);

    private async Task SealAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means more are waiting: go on at once; otherwise wait for new commits.
                if (await audit.SealNextAsync(BatchSize, stoppingToken) < BatchSize)
                    await Task.Delay(options.Value.SealPollInterval, stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                logger.Log(failures >= 10 ? LogLevel.Error : LogLevel.Warning, ex,
                    "Sealing audit events failed (attempt {Attempt}); retrying. Exports and verifications wait until sealing catches up", failures);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, failures)), stoppingToken);
            }
        }
    }
}
