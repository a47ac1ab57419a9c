namespace Complaints.ServiceDefaults;

/// <summary>
/// Connection settings every service reads. The defaults match what <c>eng/infra.sh up</c>
/// starts on loopback, so a developer runs a service with no configuration at all.
/// Override with <c>ConnectionStrings__Postgres</c>, <c>ConnectionStrings__RabbitMq</c> and
/// <c>Complaints__RunEventRelay</c> in the environment (or the matching appsettings keys).
/// </summary>
public static class ComplaintsSettings
{
    public const string DefaultPostgres =
        "Host=127.0.0.1;Port=55432;Database=complaints;Username=complaints;Password=complaints";

    public const string DefaultRabbitMq = "amqp://complaints:complaints@127.0.0.1:55672/";

    /// <summary>Marten schema holding the complaint streams and every service's documents.</summary>
    public const string EventStoreSchema = "complaints";

    /// <summary>
    /// Whether this instance runs Marten's async daemon, which hosts the event relay. The daemon
    /// runs in Solo mode (see docs/architecture.md), so exactly one instance may set this.
    /// </summary>
    public const string RunEventRelayKey = "Complaints:RunEventRelay";

    /// <summary>How schema objects are created: All (development), CreateOrUpdate, or None (production, applied by the migration job).</summary>
    public const string AutoCreateKey = "Complaints:SchemaAutoCreate";
}
