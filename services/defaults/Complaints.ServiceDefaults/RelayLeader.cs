using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Hot-cold relay: every relay replica runs this; the one holding the relay lock (<see cref="RelayFence"/>)
/// leads: it runs Marten's async daemon, and with it the event relay, and its sealer and checkpoint
/// signer run (<see cref="WhileLeadingAsync"/>). The others stand by, trying the lock every
/// <see cref="RelayOptions.StandbyPoll"/>: when the leader dies its session and lock go, and a standby
/// takes over within that poll and resumes from the relay's recorded position. Events the dead
/// leader published but had not yet recorded are published again; consumers are idempotent.
/// </summary>
public sealed class RelayLeader(RelayFence fence, IDocumentStore store, IOptions<RelayOptions> options, ILogger<RelayLeader> logger) : BackgroundService
{
    private TaskCompletionSource<CancellationToken> term = NewTerm();

    /// <summary>True while this replica leads.</summary>
    public bool Leading { get; private set; }

    /// <summary>How many times this replica took the lead (a test or an operator sees a takeover).</summary>
    public int Terms { get; private set; }

    private static TaskCompletionSource<CancellationToken> NewTerm() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Runs <paramref name="work"/> whenever this replica leads, with a token cancelled when it stops
    /// leading or the host stops; returns when the host stops. For the relay replica's other single-instance work.
    /// </summary>
    public async Task WhileLeadingAsync(Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationToken leading;
            try
            {
                leading = await Volatile.Read(ref term).Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            using var both = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leading);
            try
            {
                await work(both.Token);
            }
            catch (OperationCanceledException) when (both.IsCancellationRequested)
            {
                // The term ended (or the host is stopping): wait for the next one.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = options.Value.StandbyPoll;
        var standingBy = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await fence.TryTakeAsync(stoppingToken))
                {
                    standingBy = false;
                    await LeadAsync(stoppingToken);
                    continue;
                }
                if (!standingBy) logger.LogInformation("Another relay replica leads; this one stands by and takes over when it goes");
                standingBy = true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "The relay could not take or keep the lead (the database may be away); trying again");
            }
            try
            {
                await Task.Delay(poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task LeadAsync(CancellationToken stoppingToken)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var daemon = await store.BuildProjectionDaemonAsync();
        try
        {
            await daemon.StartAllAsync();
            Leading = true;
            Terms++;
            Volatile.Read(ref term).TrySetResult(ended.Token);
            logger.LogInformation("This relay replica leads: it publishes committed events, seals and signs");
            while (await fence.StillHeldAsync(stoppingToken)) await Task.Delay(options.Value.LeaseCheck, stoppingToken);
            logger.LogWarning("This relay replica lost the relay lock: it stops publishing and stands by");
        }
        finally
        {
            Leading = false;
            Volatile.Write(ref term, NewTerm());
            await ended.CancelAsync();
            await daemon.StopAllAsync();
            daemon.Dispose();
            await fence.ReleaseAsync();
        }
    }
}
