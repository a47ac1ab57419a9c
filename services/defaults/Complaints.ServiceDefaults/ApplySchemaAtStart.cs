using JasperFx;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Applies the event store's schema changes at start (where the service may create them, i.e. not in
/// production, where the chart's pre-upgrade job does), in the background and retried until
/// PostgreSQL takes them, instead of Marten's ApplyAllDatabaseChangesOnStartup, which fails the whole
/// start-up when the database is briefly away. The service is not ready until it is done.
/// </summary>
public sealed class ApplySchemaAtStart(IDocumentStore store, SchemaReadiness readiness, ILogger<ApplySchemaAtStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await StartupRetry.UntilDoneAsync(
            ct => store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate).WaitAsync(ct),
            "applying the event store's schema", logger, stoppingToken);
        readiness.MarkApplied();
    }
}
