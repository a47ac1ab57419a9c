using Complaints.Contracts.Events;
using MassTransit;

namespace Complaints.Desk.Live;

/// <summary>A change to one complaint, as its event reached the desk.</summary>
public sealed record ComplaintChanged(Guid ComplaintId, string EventType);

/// <summary>
/// Open pages hear of changes made elsewhere (an assignment, an approval, an escalation) and reload
/// what they show. Each desk replica consumes every complaint event from its own temporary queue
/// (auto-deleted with the replica: a missed push only means a page reloads on its next action).
/// </summary>
public sealed class LiveChanges
{
    public event Action<ComplaintChanged>? Changed;

    public void Publish(ComplaintChanged change)
    {
        foreach (var listener in Changed?.GetInvocationList() ?? [])
        {
            try { ((Action<ComplaintChanged>)listener)(change); }
            catch (ObjectDisposedException) { /* a page closed while it was being told */ }
        }
    }
}

/// <summary>Any complaint event: tells the open pages which complaint changed (the relay sets the correlation id to the stream).</summary>
public sealed class ComplaintEventConsumer<TEvent>(LiveChanges live) : IConsumer<TEvent> where TEvent : class
{
    public Task Consume(ConsumeContext<TEvent> context)
    {
        if (context.CorrelationId is { } complaintId) live.Publish(new ComplaintChanged(complaintId, typeof(TEvent).Name));
        return Task.CompletedTask;
    }
}

public static class LiveChangesRegistration
{
    public static readonly Type[] ComplaintEvents = typeof(IComplaintEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IComplaintEvent).IsAssignableFrom(t))
        .ToArray();

    public static WebApplicationBuilder AddLiveChanges(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LiveChanges>();
        var broker = builder.Configuration.GetConnectionString("RabbitMq");
        if (string.IsNullOrWhiteSpace(broker)) return builder;
        builder.Services.AddMassTransit(bus =>
        {
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(broker), host => host.ConnectionName("desk"));
                rabbit.ReceiveEndpoint(new TemporaryEndpointDefinition("desk-live"), endpoint =>
                {
                    endpoint.ConfigureConsumeTopology = true;
                    var live = context.GetRequiredService<LiveChanges>();
                    foreach (var eventType in ComplaintEvents)
                    {
                        var consumerType = typeof(ComplaintEventConsumer<>).MakeGenericType(eventType);
                        endpoint.Consumer(consumerType, _ => Activator.CreateInstance(consumerType, live)!);
                    }
                });
            });
        });
        return builder;
    }
}
