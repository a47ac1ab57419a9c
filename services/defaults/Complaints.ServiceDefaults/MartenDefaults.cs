using System.Diagnostics;
using Complaints.Contracts.Events;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Complaints.ServiceDefaults;

public static class MartenDefaults
{
    /// <summary>
    /// The complaint event store: one Marten store, one stream per complaint (Guid ids), event
    /// headers on so each event keeps the trace context of the request that caused it.
    /// The instance configured with <see cref="ComplaintsSettings.RunEventRelayKey"/> also runs
    /// the async daemon, while it leads, with the relay that publishes committed events to RabbitMQ.
    /// </summary>
    /// <param name="relayInstance">More work for the relay replicas (services; their single-instance work waits for RelayLeader).</param>
    public static WebApplicationBuilder AddComplaintsEventStore(this WebApplicationBuilder builder, Action<StoreOptions>? configure = null,
        Action<MartenServiceCollectionExtensions.MartenConfigurationExpression, WebApplicationBuilder>? relayInstance = null)
    {
        var connectionString = ComplaintsSettings.Postgres(builder);
        var autoCreate = builder.Configuration.GetValue(ComplaintsSettings.AutoCreateKey, AutoCreate.CreateOrUpdate);
        var runRelay = builder.Configuration.GetValue(ComplaintsSettings.RunEventRelayKey, false);

        builder.Services.AddOptions<PersonalData.PersonalDataOptions>().Bind(builder.Configuration.GetSection(PersonalData.PersonalDataOptions.Section))
            .Validate(o => o.KeyCacheDuration >= TimeSpan.Zero, $"{PersonalData.PersonalDataOptions.Section}:KeyCacheDuration cannot be negative")
            .ValidateOnStart();
        builder.Services.AddSingleton<PersonalData.PersonalDataProtector>();
        builder.Services.AddSingleton<Audit.PersonalDataReads>();
        builder.Services.AddSingleton(ConnectionPool(connectionString).Build());

        var marten = builder.Services.AddMarten(options =>
            {
                options.DatabaseSchemaName = ComplaintsSettings.EventStoreSchema;
                options.AutoCreateSchemaObjects = autoCreate;
                options.Events.StreamIdentity = StreamIdentity.AsGuid;
                // Quick append writes events without reading the stream first; expected versions are still enforced.
                options.Events.AppendMode = EventAppendMode.Quick;
                options.Events.MetadataConfig.HeadersEnabled = true;
                options.Events.MetadataConfig.CorrelationIdEnabled = true;
                // Causation: the event (relayed message) a consumer reacted to; auditors follow the chain of causes.
                options.Events.MetadataConfig.CausationIdEnabled = true;
                options.Events.AddEventTypes(ComplaintStreamEvents.All);
                options.Projections.Add(new ComplaintLifeFold(), ProjectionLifecycle.Live);
                // Every service seals and reveals customers' personal data with their data keys.
                options.Schema.For<PersonalData.CustomerDataKey>().UniqueIndex(k => k.CustomerId);
                Audit.PersonalDataReads.Configure(options);
                options.OpenTelemetry.TrackConnections = JasperFx.OpenTelemetry.TrackLevel.Normal;
                // The relay must never skip an event: one it cannot read (a type from a newer release
                // during a rolling upgrade, a payload that no longer deserialises) stops it, and the
                // relay's lag alerts (RelayMonitor), instead of being silently left unpublished.
                options.Projections.Errors.SkipApplyErrors = false;
                options.Projections.Errors.SkipSerializationErrors = false;
                options.Projections.Errors.SkipUnknownEvents = false;
                if (runRelay)
                {
                    var relay = builder.Configuration.GetSection(RelayOptions.Section).Get<RelayOptions>() ?? new RelayOptions();
                    options.Projections.FastPollingTime = relay.BusyPoll;
                    options.Projections.SlowPollingTime = relay.QuietPoll;
                }
                configure?.Invoke(options);
            })
            .UseNpgsqlDataSource()
            .UseLightweightSessions();

        // Replicas starting together serialise their schema changes on Marten's advisory lock.
        // In production the Helm pre-upgrade job applies the schema (--apply-schema) and services run with None.
        // Applied in the background and retried, so a database that is away at that moment never fails the start-up.
        builder.Services.AddHealthChecks().AddCheck<SchemaReadiness>("schema", tags: [HostDefaults.ReadyTag]);
        if (autoCreate != AutoCreate.None)
        {
            builder.Services.AddSingleton<SchemaReadiness>();
            builder.Services.AddHostedService<ApplySchemaAtStart>();
        }
        else
        {
            var inPlace = new SchemaReadiness();
            inPlace.MarkApplied();
            builder.Services.AddSingleton(inPlace);
        }

        if (runRelay)
        {
            // Hot-cold by our own lease, not Marten's HotCold mode (which, with the DistributedLock
            // stand-in, fails on "Multiplexing is current incompatible with DbDataSource"; see
            // eng/stand-in/README.md): the replica holding the relay lock runs the daemon (RelayLeader).
            marten.AddSubscriptionWithServices<ComplaintEventRelay>(ServiceLifetime.Singleton);
            relayInstance?.Invoke(marten, builder);
            builder.Services.AddSingleton<RelayFence>();
            builder.Services.AddSingleton<RelayLeader>();
            builder.Services.AddHostedServiceAfterSchema(sp => sp.GetRequiredService<RelayLeader>());
            builder.Services.AddSingleton<RelayMonitor>();
            builder.Services.AddHealthChecks().AddCheck<RelayMonitor>("relay", tags: [RelayMonitor.HealthTag]);
            builder.Services.AddHostedServiceAfterSchema<LagGauges>();
        }

        return builder;
    }

    /// <summary>
    /// The services' pool of PostgreSQL connections. Unless the connection string says otherwise, a
    /// connection goes back to the pool without Npgsql's reset (a DISCARD ALL, its own round trip and
    /// transaction, 22 per complaint: docs/benchmark.md) because no code leaves session state
    /// behind: locks are transaction-scoped except the relay's, which <see cref="RelayFence"/>
    /// releases itself; and statements run often are prepared once per connection, so PostgreSQL
    /// stops parsing and planning the same SQL on every call. Behind a pooler in transaction mode
    /// that cannot keep prepared statements, set "Max Auto Prepare=0" in the connection string.
    /// </summary>
    public static NpgsqlDataSourceBuilder ConnectionPool(string connectionString)
    {
        var pool = new NpgsqlDataSourceBuilder(connectionString);
        // Only the keys the connection string names (Npgsql's own builder knows every key, set or not).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();
        if (!given.Contains("noresetonclose")) pool.ConnectionStringBuilder.NoResetOnClose = true;
        if (!given.Contains("maxautoprepare")) pool.ConnectionStringBuilder.MaxAutoPrepare = 100;
        if (!given.Contains("autoprepareminusages")) pool.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        return pool;
    }

    /// <summary>
    /// Runs the service; or, with <c>--apply-schema</c>, applies the event store's schema changes
    /// once and exits (the release job that runs before new replicas start); or, with
    /// <c>--check-health URL...</c>, checks other services' grpc.health.v1 and exits (helm test).
    /// </summary>
    public static async Task RunServiceAsync(this WebApplication app, string[] args)
    {
        if (args.FirstOrDefault() == "--check-health")
        {
            Environment.ExitCode = await HealthProbe.CheckAsync(args.Skip(1).ToArray());
            return;
        }
        if (args.Contains("--apply-schema"))
        {
            var store = app.Services.GetRequiredService<IDocumentStore>();
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
            Console.WriteLine("Event store schema is up to date.");
            return;
        }
        await app.RunAsync();
    }

    /// <summary>Header naming who caused the events: a person's token subject, or a component and rule.</summary>
    public const string ActorHeader = "actor";

    /// <summary>Header with the actor's role, or "system" for the platform's own decisions.</summary>
    public const string ActorRoleHeader = "actor_role";

    /// <summary>Records on every event about to be appended who caused it (the proven caller, or a component).</summary>
    public static void StampActor(this IDocumentSession session, string actor, string role)
    {
        session.SetHeader(ActorHeader, actor);
        session.SetHeader(ActorRoleHeader, role);
    }

    /// <summary>
    /// Records on every event a consumer is about to append what it reacted to: the event (its
    /// relayed message id) as the causation id, and the correlation id of the request that started
    /// the chain of reactions, carried by the relay in <see cref="ComplaintEventRelay.CorrelationHeader"/>
    /// (so the chain holds even where tracing is sampled away); the trace context goes on too.
    /// </summary>
    public static void StampReaction(this IDocumentSession session, MassTransit.ConsumeContext context)
    {
        session.StampTraceContext();
        if (context.MessageId is { } causingEventId) session.CausationId = causingEventId.ToString();
        if (context.Headers.Get<string>(ComplaintEventRelay.CorrelationHeader) is { Length: > 0 } correlation) session.CorrelationId = correlation;
    }

    /// <summary>Stamps the events about to be appended as caused by a stored event, in its correlation.</summary>
    public static void StampCause(this IDocumentSession session, JasperFx.Events.IEvent cause)
    {
        session.CausationId = cause.Id.ToString();
        if (cause.CorrelationId is { Length: > 0 } correlation) session.CorrelationId = correlation;
    }

    /// <summary>
    /// Stamps one event about to be appended as caused by a stored event, in its correlation and in
    /// <paramref name="span"/>'s trace: for events of several complaints appended in one session,
    /// where the session's own stamps would give them all the same cause.
    /// </summary>
    public static void StampCause(this JasperFx.Events.IEvent @event, JasperFx.Events.IEvent cause, Activity? span)
    {
        @event.CausationId = cause.Id.ToString();
        @event.CorrelationId = cause.CorrelationId is { Length: > 0 } correlation ? correlation
            : span?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        if (span is not null) @event.SetHeader(ComplaintsTelemetry.TraceParentHeader, span.Id!);
    }

    /// <summary>
    /// Stamps the events about to be appended with the current trace context, so the relay can
    /// continue the same trace when it publishes them.
    /// </summary>
    public static void StampTraceContext(this IDocumentSession session)
    {
        var activity = Activity.Current;
        if (activity is null)
        {
            // Untraced (tracing off or sampled away): the events of one request still share an id.
            if (string.IsNullOrEmpty(session.CorrelationId)) session.CorrelationId = Guid.NewGuid().ToString("N");
            return;
        }
        session.SetHeader(ComplaintsTelemetry.TraceParentHeader, activity.Id!);
        session.CorrelationId = activity.TraceId.ToString();
    }
}
