using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.ServiceDefaults;

public static class MessagingDefaults
{
    /// <summary>
    /// MassTransit over RabbitMQ. Queues are named "{service}-{consumer}" so each service gets its
    /// own copy of every message it consumes. A message failing because PostgreSQL or the network is down is
    /// retried in memory for as long as the outage lasts (backing off to 30 s), so consumption
    /// pauses instead of dead-lettering everything consumed meanwhile; at most the prefetch count
    /// waits. Any other failure is retried with growing, jittered intervals (about a minute in all,
    /// <c>Complaints:Messaging:RetryLimit</c> tries), then moved to the queue's "_error" queue, where
    /// it waits for an operator (docs/operations.md). Delayed redelivery would need RabbitMQ's
    /// delayed-message plugin, which the supported brokers do not have.
    /// Queues are quorum queues with a delivery limit (<see cref="DeadLetters"/>).
    /// </summary>
    public static WebApplicationBuilder AddComplaintsMessaging(
        this WebApplicationBuilder builder, string serviceName, Action<IBusRegistrationConfigurator>? addConsumers = null)
    {
        var rabbitUri = new Uri(ComplaintsSettings.RabbitMq(builder));
        // MassTransit's defaults unless configured: on a small node, more concurrent consumers only
        // take CPU from the gRPC front (measured: docs/benchmark.md).
        var prefetch = builder.Configuration.GetValue<int?>("Complaints:Messaging:PrefetchCount");
        var concurrency = builder.Configuration.GetValue<int?>("Complaints:Messaging:ConcurrentMessageLimit");
        var retryLimit = builder.Configuration.GetValue("Complaints:Messaging:RetryLimit", 10);
        var retryStart = builder.Configuration.GetValue("Complaints:Messaging:RetryStart", TimeSpan.FromMilliseconds(50));

        builder.Services.AddSingleton<ComplaintLocks>();
        builder.Services.AddSingleton<DeadLetters.ServiceQueues>();
        var deadLetterPoll = builder.Configuration.GetValue("Complaints:Messaging:DeadLetterPoll", TimeSpan.FromSeconds(30));
        builder.Services.AddHostedService(services => new DeadLetters(rabbitUri, services.GetRequiredService<DeadLetters.ServiceQueues>(), deadLetterPoll,
            services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<DeadLetters>>()));
        builder.Services.AddMassTransit(bus =>
        {
            // MassTransit reports usage to its vendor over the internet unless told not to: a
            // regulated deployment sends nothing out it was not asked to (and logged a failure per start here).
            bus.DisableUsageTelemetry();
            bus.AddReceiveEndpointObserver(services => services.GetRequiredService<DeadLetters.ServiceQueues>());
            var names = new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false);
            bus.SetEndpointNameFormatter(names);
            bus.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                if (endpoint is IRabbitMqReceiveEndpointConfigurator queue) DeadLetters.ConfigureQueue(queue);
                // A batch already handles a complaint's events together; holding the complaint's lock
                // while its first event waits for the batch would push its other events into later batches.
                var batched = context.GetServices<BatchedConsumer>().Any(b => b.QueueName(names) == name);
                if (!batched) endpoint.UseConsumeFilter(typeof(SerializePerComplaint<>), context);
            });
            addConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(rabbitUri, host => host.ConnectionName(serviceName));
                if (prefetch is { } p) rabbit.PrefetchCount = p;
                if (concurrency is { } c) rabbit.ConcurrentMessageLimit = c;
                // Outer: the infrastructure's outages, waited out. Inner: everything else, a bounded number of times.
                rabbit.UseMessageRetry(r =>
                {
                    r.Handle<Exception>(InfrastructureFailures.Is);
                    r.Exponential(int.MaxValue, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
                    r.ConnectRetryObserver(new OutageRetries());
                });
                rabbit.UseMessageRetry(r =>
                {
                    r.Ignore<Exception>(InfrastructureFailures.Is);
                    r.Intervals(RetryIntervals(retryLimit, retryStart));
                });
                rabbit.UseConsumeFilter(typeof(WaitForSchema<>), context);
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// A consumer that keeps a read model (documents folded from events) and takes its messages in
    /// batches: up to <paramref name="messageLimit"/> messages or whatever arrived within
    /// <paramref name="timeLimit"/> of the first, read and written in one transaction instead of one
    /// per event (docs/benchmark.md). A batch fails and is retried as a whole; each message is
    /// acknowledged only once its batch is committed, so nothing is lost, and a read model built
    /// this way must not depend on the order of its messages (guard by stream version).
    /// </summary>
    public static void AddBatchConsumer<TConsumer>(this IBusRegistrationConfigurator bus, int messageLimit = 100, TimeSpan? timeLimit = null)
        where TConsumer : class, IConsumer
    {
        bus.AddConsumer<TConsumer>((_, consumer) => consumer.Options<BatchOptions>(batch => batch
            .SetMessageLimit(messageLimit)
            .SetTimeLimit(timeLimit ?? TimeSpan.FromMilliseconds(100))
            .SetTimeLimitStart(BatchTimeLimitStart.FromFirst)
            .SetConcurrencyLimit(1)));
        bus.AddSingleton(new BatchedConsumer(names => names.Consumer<TConsumer>()));
    }

    /// <summary>A consumer registered with <see cref="AddBatchConsumer{TConsumer}"/>, by its queue's name.</summary>
    private sealed record BatchedConsumer(Func<IEndpointNameFormatter, string> QueueName);

    /// <summary>
    /// From <paramref name="start"/> (50 ms) doubling to 20 s, each with up to 50% random jitter, so
    /// that messages racing on the same complaint (optimistic concurrency) do not collide again on every retry.
    /// </summary>
    private static TimeSpan[] RetryIntervals(int count, TimeSpan start) =>
        Enumerable.Range(0, count)
            .Select(i => TimeSpan.FromMilliseconds(Math.Min(20_000, start.TotalMilliseconds * Math.Pow(2, i)) * (1 + Random.Shared.NextDouble() / 2)))
            .ToArray();
}
