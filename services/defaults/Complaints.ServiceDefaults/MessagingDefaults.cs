using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.ServiceDefaults;

public static class MessagingDefaults
{
    /// <summary>
    /// MassTransit over RabbitMQ. Queues are named "{service}-{consumer}" so each service gets its
    /// own copy of every event. A failing message is retried in memory with growing, jittered
    /// intervals (about a minute in all), then moved to the queue's "_error" queue, where it waits
    /// for an operator. (Delayed redelivery would need RabbitMQ's delayed-message plugin, which
    /// the supported brokers do not have.)
    /// </summary>
    public static WebApplicationBuilder AddComplaintsMessaging(
        this WebApplicationBuilder builder, string serviceName, Action<IBusRegistrationConfigurator>? addConsumers = null)
    {
        var rabbitUri = new Uri(ComplaintsSettings.RabbitMq(builder));
        // MassTransit's defaults unless configured: on a small node, more concurrent consumers only
        // take CPU from the gRPC front (measured: docs/benchmark.md).
        var prefetch = builder.Configuration.GetValue<int?>("Complaints:Messaging:PrefetchCount");
        var concurrency = builder.Configuration.GetValue<int?>("Complaints:Messaging:ConcurrentMessageLimit");

        builder.Services.AddSingleton<ComplaintLocks>();
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            addConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(rabbitUri, host => host.ConnectionName(serviceName));
                if (prefetch is { } p) rabbit.PrefetchCount = p;
                if (concurrency is { } c) rabbit.ConcurrentMessageLimit = c;
                rabbit.UseMessageRetry(r => r.Intervals(RetryIntervals()));
                rabbit.UseConsumeFilter(typeof(SerializePerComplaint<>), context);
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// 50 ms doubling to 20 s, each with up to 50% random jitter, so that messages racing on the
    /// same complaint (optimistic concurrency) do not collide again on every retry.
    /// </summary>
    private static TimeSpan[] RetryIntervals() =>
        Enumerable.Range(0, 10)
            .Select(i => TimeSpan.FromMilliseconds(Math.Min(20_000, 50 * Math.Pow(2, i)) * (1 + Random.Shared.NextDouble() / 2)))
            .ToArray();
}
