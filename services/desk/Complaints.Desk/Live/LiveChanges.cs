using Complaints.Contracts.Events;
using MassTransit;

namespace Complaints.Desk.Live;

/// <summary>A change to one complaint, as the relay's notice reached the desk: the CLR names of its new events' types.</summary>
public sealed record ComplaintChanged(Guid ComplaintId, IReadOnlyList<string> EventTypes);

/// <summary>
/// Open pages hear of changes made elsewhere (an assignment, an approval, an escalation) and reload
/// what they show. Each desk replica consumes the relay's <see cref="ComplaintsChanged"/> notices (one per
/// page of committed events) from its own temporary queue (auto-deleted with the replica: a missed
/// push only means a page reloads on its next action).
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

/// <summary>The relay's notice of a page of events: tells the open pages which complaints changed, and how.</summary>
public sealed class ComplaintsChangedConsumer(LiveChanges live) : IConsumer<ComplaintsChanged>
{
    public Task Consume(ConsumeContext<ComplaintsChanged> context)
    {
        foreach (var change in context.Message.Changes) live.Publish(new ComplaintChanged(change.ComplaintId, change.EventTypes));
        return Task.CompletedTask;
    }
}

public static class LiveChangesRegistration
{
    public static WebApplicationBuilder AddLiveChanges(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LiveChanges>();
        var broker = builder.Configuration.GetConnectionString("RabbitMq");
        if (string.IsNullOrWhiteSpace(broker)) return builder;
        builder.Services.AddMassTransit(bus =>
        {
            // As the services: nothing reported to MassTransit's vendor.
            bus.DisableUsageTelemetry();
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(broker), host => host.ConnectionName("desk"));
                rabbit.ReceiveEndpoint(new TemporaryEndpointDefinition("desk-live"), endpoint =>
                {
                    endpoint.ConfigureConsumeTopology = true;
                    var live = context.GetRequiredService<LiveChanges>();
                    endpoint.Consumer(() => new ComplaintsChangedConsumer(live));
                });
            });
        });
        return builder;
    }
}
