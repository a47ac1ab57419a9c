using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.ServiceDefaults;

public static class MessagingDefaults
{
    /// <summary>
    /// MassTransit over RabbitMQ. Queues are named "{service}-{consumer}" so each service gets its
    /// own copy of every event. A message failing because PostgreSQL or the network is down is
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
            bus.AddReceiveEndpointObserver(services => services.GetRequiredService<DeadLetters.ServiceQueues>());
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                if (endpoint is IRabbitMqReceiveEndpointConfigurator queue) DeadLetters.ConfigureQueue(queue);
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
                });
                rabbit.UseMessageRetry(r =>
                {
                    r.Ignore<Exception>(InfrastructureFailures.Is);
                    r.Intervals(RetryIntervals(retryLimit, retryStart));
                });
                rabbit.UseConsumeFilter(typeof(WaitForSchema<>), context);
                rabbit.UseConsumeFilter(typeof(SerializePerComplaint<>), context);
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// From <paramref name="start"/> (50 ms) doubling to 20 s, each with up to 50% random jitter, so
    /// that messages racing on the same complaint (optimistic concurrency) do not collide again on every retry.
    /// </summary>
    private static TimeSpan[] RetryIntervals(int count, TimeSpan start) =>
        Enumerable.Range(0, count)
            .Select(i => TimeSpan.FromMilliseconds(Math.Min(20_000, start.TotalMilliseconds * Math.Pow(2, i)) * (1 + Random.Shared.NextDouble() / 2)))
            .ToArray();
}
