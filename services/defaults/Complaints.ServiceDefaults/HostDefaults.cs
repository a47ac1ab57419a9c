using Microsoft.Extensions.Options;
using Complaints.Domain.ServiceLevels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Complaints.ServiceDefaults.HttpApi;
using Complaints.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authorization;
using Npgsql;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Complaints.ServiceDefaults;

public static class HostDefaults
{
    public const string LiveService = "live";
    public const string ReadyService = "ready";
    internal const string ReadyTag = "complaints-ready";
    private const string LiveTag = "complaints-live";

    /// <summary>
    /// Adds every *.json file of the folder named by <c>Complaints:ConfigDirectory</c> (in Kubernetes,
    /// the mounted ConfigMap of rules, teams, SLA targets and approval limits) as configuration.
    /// </summary>
    private static void AddConfigDirectory(this WebApplicationBuilder builder)
    {
        var directory = builder.Configuration["Complaints:ConfigDirectory"];
        if (string.IsNullOrWhiteSpace(directory) || !Directory.Exists(directory)) return;
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
            builder.Configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
    }

    /// <summary>
    /// gRPC over cleartext HTTP/2, OpenTelemetry, health checks, reflection and an injected
    /// <see cref="TimeProvider"/>: what every service needs before its own slices.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        // First, so that every setting below (the HTTP API's port too) can come from the mounted config.
        builder.AddConfigDirectory();
        // Cleartext HTTP/2 only: TLS ends at the ingress or mesh, and Kubernetes' native gRPC probes
        // speak h2c. The HTTP API's port, when there is one, speaks HTTP/1.1 (HttpApi/HttpApiDefaults).
        var httpApiPort = HttpApi.HttpApiDefaults.PortOf(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols =
                httpApiPort is { } port && endpoint.IPEndPoint?.Port == port ? HttpProtocols.Http1 : HttpProtocols.Http2));

        builder.Services.TryAddSingleton(TimeProvider.System);
        var grpc = builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<GrpcCalls.WaitForSchemaInterceptor>();
            options.Interceptors.Add<GrpcCalls.GrpcErrorsInterceptor>();
            // Statuses carry their own messages; exception details never reach a client.
            options.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.AddHttpApi(grpc, serviceName);
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(options =>
        {
            // Deliberate limits: the largest legitimate request (a complaint with its attachments' metadata) is far below this.
            options.MaxReceiveMessageSize = 1024 * 1024;
        });
        builder.AddComplaintsAuth();
        // grpc.health.v1 services: "live" asks only whether the process answers (no dependency
        // checks, so a database outage never restarts pods); "ready" and "" also check PostgreSQL.
        // RabbitMQ is left out on purpose: intake keeps filing while the broker is down.
        builder.Services.AddGrpcHealthChecks(options =>
            {
                // A check that always passes: with none, grpc.health answers UNKNOWN, which a probe counts as a failure.
                options.Services.Map(LiveService, check => check.Tags.Contains(LiveTag));
                options.Services.Map(ReadyService, check => check.Tags.Contains(ReadyTag));
                options.Services.Map("", check => check.Tags.Contains(ReadyTag));
                // Only the relay's instance registers this check; an alert, not a reason to restart.
                options.Services.Map(RelayMonitor.HealthService, check => check.Tags.Contains(RelayMonitor.HealthTag));
            })
            .AddCheck("process", () => HealthCheckResult.Healthy(), tags: [LiveTag])
            .AddCheck<PostgresHealthCheck>("postgres", tags: [ReadyTag]);

        builder.Services.AddOptions<SlaOptions>().Bind(builder.Configuration.GetSection(SlaOptions.Section))
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), $"{SlaOptions.Section}:TimeZone must be an IANA time zone such as Asia/Shanghai")
            .Validate(o => o.BusinessHours.Start < o.BusinessHours.End && o.BusinessHours.Days.Count > 0,
                $"{SlaOptions.Section}:BusinessHours must start before they end, on at least one day")
            .Validate(o => new[] { Priorities.Emergency, Priorities.High, Priorities.General, Priorities.Complex }.All(o.Targets.ContainsKey),
                $"{SlaOptions.Section}:Targets needs emergency, high, general and complex")
            .Validate(o => o.Targets.Values.All(t => t.FirstResponse > TimeSpan.Zero && (t.ResolutionWorkingDays is > 0 || t.Resolution > TimeSpan.Zero)),
                $"{SlaOptions.Section}:Targets: every first response and resolution time must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => new SlaPolicy(services.GetRequiredService<IOptions<SlaOptions>>().Value));
        // The one way a complaint's stream changes (ComplaintStreams/ComplaintWriter.cs).
        builder.Services.AddSingleton<ComplaintStreams.ComplaintWriter>();
        builder.Services.AddOptions<RelayOptions>().Bind(builder.Configuration.GetSection(RelayOptions.Section))
            .Validate(o => o.LagAlert > 0 && o.StallAlert > TimeSpan.Zero && o.StandbyPoll > TimeSpan.Zero,
                $"{RelayOptions.Section}: LagAlert, StallAlert and StandbyPoll must be positive")
            .Validate(o => o.BusyPoll > TimeSpan.Zero && o.QuietPoll >= o.BusyPoll,
                $"{RelayOptions.Section}: BusyPoll must be positive and QuietPoll at least BusyPoll")
            .ValidateOnStart();

        builder.AddTelemetry(serviceName);
        return builder;
    }

    private static void AddTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        // Exports only when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT); sampling
        // follows the standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG variables.
        // Without an endpoint nothing would receive the data, so no spans are recorded at all
        // (recording them costs CPU on every request).
        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(otlpEndpoint)) return;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: typeof(HostDefaults).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddSource("MassTransit")
                .AddSource("Marten")
                .AddSource(ComplaintsTelemetry.SourceName)
                .AddNpgsql()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter("MassTransit")
                .AddMeter("Marten")
                .AddMeter("Npgsql")
                .AddMeter(RelayMonitor.Meter.Name)
                .AddMeter(OutageRetries.MeterName)
                .AddMeter(ComplaintMetrics.MeterName)
                .AddMeter("Complaints.Audit")
                .AddOtlpExporter())
            .WithLogging(logging => logging.AddOtlpExporter(), options =>
            {
                // Structured logs beside the traces (the log's trace id links them); messages are
                // written without personal data (docs/security.md), so they may leave the process.
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = false;
            });
    }

    private static bool IsHealthProbe(string? path) =>
        path is not null && path.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal);

    /// <summary>Whether gRPC reflection is served (development tools such as grpcurl); off unless configured.</summary>
    public const string ReflectionKey = "Complaints:Grpc:Reflection";

    /// <summary>
    /// The request pipeline (routing, the HTTP API's port rules and its anonymous document and UI,
    /// then authentication and authorisation), grpc.health.v1 on every service, anonymous so that
    /// probes need no token, and reflection only where configured.
    /// </summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseRouting();
        app.UseHttpApi();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<GrpcCalls.Utf8RequestGuard>();
        app.MapHttpApi();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        if (app.Configuration.GetValue(ReflectionKey, false)) app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("select 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL is unreachable", ex);
            }
        }
    }
}
