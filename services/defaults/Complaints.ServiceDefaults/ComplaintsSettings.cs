namespace Complaints.ServiceDefaults;

/// <summary>
/// Connection settings every service reads from <c>ConnectionStrings__Postgres</c>,
/// <c>ConnectionStrings__RabbitMq</c> and <c>Complaints__RunEventRelay</c> in the environment (or the
/// matching appsettings keys). Only in the Development environment do the connection strings fall
/// back to what <c>eng/infra.sh up</c> starts on loopback; anywhere else a missing one stops the service.
/// </summary>
public static class ComplaintsSettings
{
    private const string DevelopmentPostgres =
        "Host=127.0.0.1;Port=55432;Database=complaints;Username=complaints;Password=complaints";

    private const string DevelopmentRabbitMq = "amqp://complaints:complaints@127.0.0.1:55672/";

    public static string Postgres(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) =>
        ConnectionString(builder, "Postgres", DevelopmentPostgres);

    public static string RabbitMq(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) =>
        ConnectionString(builder, "RabbitMq", DevelopmentRabbitMq);

    private static string ConnectionString(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder, string name, string development) =>
        Microsoft.Extensions.Configuration.ConfigurationExtensions.GetConnectionString(builder.Configuration, name) is { Length: > 0 } configured ? configured
        : Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions.IsDevelopment(builder.Environment) ? development
        : throw new InvalidOperationException($"ConnectionStrings:{name} is not set (environment ConnectionStrings__{name}); only Development falls back to eng/infra.sh's local one");

    /// <summary>Marten schema holding the complaint streams and every service's documents.</summary>
    public const string EventStoreSchema = "complaints";

    /// <summary>
    /// Whether this instance is a relay replica: it runs Marten's async daemon, which hosts the event
    /// relay, while it holds the relay lock (hot-cold, RelayLeader; docs/architecture.md).
    /// </summary>
    public const string RunEventRelayKey = "Complaints:RunEventRelay";

    /// <summary>How schema objects are created: All (development), CreateOrUpdate, or None (production, applied by the migration job).</summary>
    public const string AutoCreateKey = "Complaints:SchemaAutoCreate";
}
