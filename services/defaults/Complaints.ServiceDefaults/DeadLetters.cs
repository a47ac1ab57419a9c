using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Where RabbitMQ puts a message its queue gave up on: every service queue is a quorum queue with a
/// delivery limit (a message that keeps crashing its consumer's process is not redelivered for
/// ever), and what passes the limit is dead-lettered, at least once, to the fanout exchange
/// <see cref="Exchange"/> and its queue <see cref="Queue"/>, which this service declares at
/// start-up so nothing is ever dead-lettered into the void. `complaints errors replay` moves them
/// back (the queue they came from is in their x-death header). The declaration is retried in the
/// background until the broker takes it: a broker that is down, restarting, or closing the channel
/// at that moment never fails the service's start-up.
/// It also measures, every <c>Complaints:Messaging:DeadLetterPoll</c> (30 s), the gauge <c>complaints.dead_letters</c>: messages
/// waiting in the dead-letter queue and in this service's "_error" queues, where failures land for
/// an operator (by queue, <c>messaging.destination.name</c>); alert on any.
/// </summary>
public sealed class DeadLetters(Uri broker, DeadLetters.ServiceQueues queues, TimeSpan depthPoll, ILogger<DeadLetters> logger) : BackgroundService
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> Depths = new(StringComparer.Ordinal);

    static DeadLetters()
    {
        ComplaintMetrics.Meter.CreateObservableGauge("complaints.dead_letters",
            () => Depths.Select(d => new System.Diagnostics.Metrics.Measurement<long>(d.Value, new KeyValuePair<string, object?>("messaging.destination.name", d.Key))),
            "{message}", "Messages waiting for an operator: the dead-letter queue and this service's _error queues");
    }

    /// <summary>The service's receive queues, learnt as MassTransit starts them; their "_error" twins are measured.</summary>
    public sealed class ServiceQueues : IReceiveEndpointObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> names = new(StringComparer.Ordinal);

        public IEnumerable<string> ErrorQueues => names.Keys.Select(name => name + "_error");

        public Task Ready(ReceiveEndpointReady ready)
        {
            var name = ready.InputAddress.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            // Temporary endpoints (the bus's own, the desk's live view) have no error queue worth watching.
            if (name is not null && !name.Contains("_bus_", StringComparison.Ordinal) && !ready.InputAddress.Query.Contains("temporary", StringComparison.Ordinal))
                names.TryAdd(name, true);
            return Task.CompletedTask;
        }

        public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;
        public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
        public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
    }

    public const string Exchange = "complaints.dead-letters";
    public const string Queue = "complaints-dead-letters";

    /// <summary>Deliveries of one message before its queue dead-letters it.</summary>
    public const int DeliveryLimit = 20;

    /// <summary>A service queue: quorum, with the delivery limit and at-least-once dead-lettering.</summary>
    public static void ConfigureQueue(IRabbitMqReceiveEndpointConfigurator queue)
    {
        queue.SetQuorumQueue();
        queue.SetQueueArgument("x-delivery-limit", DeliveryLimit);
        queue.SetQueueArgument("x-dead-letter-exchange", Exchange);
        queue.SetQueueArgument("x-dead-letter-strategy", "at-least-once");
        // At-least-once dead-lettering needs the queue to refuse publishes rather than drop when full.
        queue.SetQueueArgument("x-overflow", "reject-publish");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await StartupRetry.UntilDoneAsync(DeclareAsync, "declaring the dead-letter exchange and queue", logger, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await MeasureAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The broker is down: the gauge keeps its last values; the messaging health says why.
                logger.LogDebug(ex, "Measuring the dead-letter queues failed");
            }
            try { await Task.Delay(depthPoll, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task MeasureAsync(CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync("dead-letter-gauge", cancellationToken);
        foreach (var queue in queues.ErrorQueues.Prepend(Queue))
        {
            // A passive declare of a queue that does not exist (no failure yet) closes the channel: one channel per queue.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                Depths[queue] = (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                Depths[queue] = 0;
            }
        }
    }

    private async Task DeclareAsync(CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync("dead-letters", cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false,
            new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(Queue, Exchange, "", cancellationToken: cancellationToken);
    }
}
