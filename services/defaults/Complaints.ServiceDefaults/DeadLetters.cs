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
/// </summary>
public sealed class DeadLetters(Uri broker, ILogger<DeadLetters> logger) : BackgroundService
{
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
