using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.ServiceDefaults;

public static class MessagingDefaults
{
    /// <summary>
    /// MassTransit over RabbitMQ. Queues are named "{service}-{consumer}" so each service gets its
    /// own copy of every event. A failing message is retried in memory, then redelivered later,
    /// and only then moved to the queue's "_error" queue, where it waits for an operator.
    /// </summary>
    public static WebApplicationBuilder AddComplaintsMessaging(
        this WebApplicationBuilder builder, string serviceName, Action<IBusRegistrationConfigurator>? addConsumers = null)
    {
        var rabbitUri = new Uri(builder.Configuration.GetConnectionString("RabbitMq") ?? ComplaintsSettings.DefaultRabbitMq);
        // MassTransit's defaults unless configured: on a small node, more concurrent consumers only
        // take CPU from the gRPC front (measured: docs/benchmark.md).
        var prefetch = builder.Configuration.GetValue<int?>("Complaints:Messaging:PrefetchCount");
        var concurrency = builder.Configuration.GetValue<int?>("Complaints:Messaging:ConcurrentMessageLimit");

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            addConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(rabbitUri, host => host.ConnectionName(serviceName));
                if (prefetch is { } p) rabbit.PrefetchCount = p;
                if (concurrency is { } c) rabbit.ConcurrentMessageLimit = c;
                rabbit.UseDelayedRedelivery(r => r.Intervals(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2)));
                rabbit.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200)));
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
