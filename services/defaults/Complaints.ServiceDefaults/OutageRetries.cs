using System.Diagnostics.Metrics;
using MassTransit;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Counts the messages a consumer tries again because PostgreSQL, RabbitMQ or the network failed
/// (<see cref="InfrastructureFailures"/>): the metric <c>complaints.messaging.outage_retries</c>, by
/// queue and message type. While it climbs, consumption is waiting out an outage (nothing is
/// dead-lettered meanwhile); an operator sees which queues wait, and since when.
/// </summary>
public sealed class OutageRetries : IRetryObserver
{
    public const string MeterName = "Complaints.Messaging";
    public const string InstrumentName = "complaints.messaging.outage_retries";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Retries = Meter.CreateCounter<long>(InstrumentName, "{retry}",
        "Messages tried again because PostgreSQL, RabbitMQ or the network failed");

    public Task PreRetry<T>(RetryContext<T> context) where T : class, PipeContext
    {
        if (context.Context is ConsumeContext consume)
        {
            var queue = consume.ReceiveContext.InputAddress.AbsolutePath.Split('/')[^1];
            // "urn:message:Namespace:Type": the type's own name is enough to tell messages apart.
            var type = consume.SupportedMessageTypes.FirstOrDefault()?.Split(':')[^1] ?? "unknown";
            Retries.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", queue), new KeyValuePair<string, object?>("complaints.message_type", type));
        }
        return Task.CompletedTask;
    }

    public Task PostCreate<T>(RetryPolicyContext<T> context) where T : class, PipeContext => Task.CompletedTask;
    public Task PostFault<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;
    public Task RetryFault<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;
    public Task RetryComplete<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;
}
