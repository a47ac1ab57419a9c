using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Starts a background service (a sweeper, the sealer, a KPI fill) only once the event store's schema
/// is in place, so a service started while PostgreSQL is away neither fails nor runs against tables
/// that do not exist yet.
/// </summary>
public sealed class AfterSchema(IHostedService inner, SchemaReadiness schema) : BackgroundService
{
    private volatile bool started;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WhenApplied.WaitAsync(stoppingToken);
        await inner.StartAsync(stoppingToken);
        started = true;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (started) await inner.StopAsync(cancellationToken);
    }
}

public static class AfterSchemaRegistration
{
    /// <summary>Registers <paramref name="service"/> as a hosted service that starts once the schema is in place.</summary>
    public static IServiceCollection AddHostedServiceAfterSchema<T>(this IServiceCollection services, Func<IServiceProvider, T> service) where T : class, IHostedService =>
        services.AddSingleton<IHostedService>(sp => new AfterSchema(service(sp), sp.GetRequiredService<SchemaReadiness>()));

    public static IServiceCollection AddHostedServiceAfterSchema<T>(this IServiceCollection services) where T : class, IHostedService =>
        services.AddHostedServiceAfterSchema(sp => ActivatorUtilities.CreateInstance<T>(sp));
}

/// <summary>
/// A message consumed before the event store's schema is in place waits for it instead of failing
/// into the retries and, after them, the dead letters.
/// </summary>
public sealed class WaitForSchema<T>(SchemaReadiness schema) : IFilter<ConsumeContext<T>> where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        if (!schema.Applied) await schema.WhenApplied.WaitAsync(context.CancellationToken);
        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("waitForSchema");
}
