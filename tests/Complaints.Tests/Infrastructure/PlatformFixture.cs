using Complaints.Contracts.Intake.V1;
using Complaints;
using Complaints.Intake;
using Complaints.Routing;
using Complaints.Routing.SlaClock;
using Complaints.Followup;
using Complaints.Followup.Callbacks;
using Complaints.Followup.Facts;
using Complaints.Resolution;
using Complaints.Resolution.ProgressUpdates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Complaints.ServiceDefaults;
using Grpc.Net.Client;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Complaints.Tests.Infrastructure;

/// <summary>
/// Intake (with the event relay) and routing, each a real Kestrel host on a loopback port,
/// wired to real PostgreSQL and RabbitMQ. RabbitMQ is reached through <see cref="BrokerLink"/>
/// so tests can cut it. Every span the services make lands in <see cref="Spans"/>.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private readonly string emptyContentRoot = Directory.CreateTempSubdirectory("complaints-tests-").FullName;
    private TestInfrastructure infrastructure = null!;
    private TracerProvider tracing = null!;
    private GrpcChannel intakeChannel = null!;
    private GrpcChannel routingChannel = null!;
    private GrpcChannel resolutionChannel = null!;
    private GrpcChannel followupChannel = null!;

    public WebApplication IntakeApp { get; private set; } = null!;
    public WebApplication RoutingApp { get; private set; } = null!;
    public WebApplication ResolutionApp { get; private set; } = null!;
    public Contracts.Resolution.V1.Resolution.ResolutionClient Resolution { get; private set; } = null!;
    public WebApplication FollowupApp { get; private set; } = null!;
    public Contracts.Followup.V1.Followup.FollowupClient Followup { get; private set; } = null!;
    public CallbackSweeper Callbacks => FollowupApp.Services.GetRequiredService<CallbackSweeper>();
    public FactsStore Facts => FollowupApp.Services.GetRequiredService<FactsStore>();
    public MissedUpdateSweeper MissedUpdates => ResolutionApp.Services.GetRequiredService<MissedUpdateSweeper>();
    public Contracts.Intake.V1.Intake.IntakeClient Intake { get; private set; } = null!;
    public Contracts.Routing.V1.Routing.RoutingClient Routing { get; private set; } = null!;

    /// <summary>The clock of both services. It only moves when a test advances it; the SLA sweeper only sweeps when a test asks.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public SlaSweeper Sweeper => RoutingApp.Services.GetRequiredService<SlaSweeper>();
    public TcpProxy BrokerLink { get; private set; } = null!;
    public NpgsqlDataSource Database { get; private set; } = null!;
    public ActivityLog Spans { get; } = new();
    public WarningLog Warnings { get; } = new();

    public async Task InitializeAsync()
    {
        infrastructure = await TestInfrastructure.StartAsync();
        BrokerLink = new TcpProxy(infrastructure.RabbitMqServer.Host, infrastructure.RabbitMqServer.Port);
        Database = NpgsqlDataSource.Create(infrastructure.Postgres);

        tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource("MassTransit", ComplaintsTelemetry.SourceName, "Complaints.Tests")
            .AddAspNetCoreInstrumentation()
            .AddInMemoryExporter(Spans)
            .Build()!;

        // Intake first: it applies the schema and starts the relay; routing then finds the schema in place.
        IntakeApp = await StartAsync(IntakeHost.Build, runEventRelay: true);
        RoutingApp = await StartAsync(RoutingHost.Build, runEventRelay: false);
        ResolutionApp = await StartAsync(ResolutionHost.Build, runEventRelay: false);
        FollowupApp = await StartAsync(FollowupHost.Build, runEventRelay: false);

        intakeChannel = GrpcChannel.ForAddress(AddressOf(IntakeApp));
        Intake = new Contracts.Intake.V1.Intake.IntakeClient(intakeChannel);
        routingChannel = GrpcChannel.ForAddress(AddressOf(RoutingApp));
        Routing = new Contracts.Routing.V1.Routing.RoutingClient(routingChannel);
        resolutionChannel = GrpcChannel.ForAddress(AddressOf(ResolutionApp));
        Resolution = new Contracts.Resolution.V1.Resolution.ResolutionClient(resolutionChannel);
        followupChannel = GrpcChannel.ForAddress(AddressOf(FollowupApp));
        Followup = new Contracts.Followup.V1.Followup.FollowupClient(followupChannel);
    }

    private async Task<WebApplication> StartAsync(Func<string[], Action<WebApplicationBuilder>?, WebApplication> build, bool runEventRelay)
    {
        var app = build(["--contentRoot", emptyContentRoot], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddSingleton<TimeProvider>(Clock);
            builder.Logging.AddProvider(Warnings);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = infrastructure.Postgres,
                ["ConnectionStrings:RabbitMq"] = infrastructure.RabbitMqAddress("127.0.0.1", BrokerLink.Port),
                [ComplaintsSettings.RunEventRelayKey] = runEventRelay.ToString(),
                ["Logging:LogLevel:Default"] = "Warning",
                ["Complaints:Routing:SlaSweeper:Interval"] = "00:00:00",
                ["Complaints:Resolution:SweepInterval"] = "00:00:00",
                ["Complaints:Followup:SweepInterval"] = "00:00:00",
            });
        });
        await app.StartAsync();
        return app;
    }

    private static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>Publishes a message on the bus as a channel for redelivered events would.</summary>
    public IBus IntakeBus => IntakeApp.Services.GetRequiredService<IBus>();

    /// <summary>Polls intake until the complaint satisfies <paramref name="done"/>, or fails after <paramref name="timeout"/>.</summary>
    public async Task<GetComplaintResponse> WaitForComplaintAsync(string complaintId, Func<GetComplaintResponse, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        GetComplaintResponse complaint;
        do
        {
            complaint = await Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaintId });
            if (done(complaint)) return complaint;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Complaint {complaintId} did not reach the expected state within {timeout}; history: " +
                                   string.Join(", ", complaint.History.Select(h => h.EventType)) + "; recent warnings:\n" + Warnings.Recent());
    }

    /// <summary>
    /// Complaint streams in the store. Counted by their first event, because Marten also keeps a
    /// stream of "tombstone" events for transactions that failed after reserving sequence numbers.
    /// </summary>
    public async Task<long> CountStreamsAsync()
    {
        await using var command = Database.CreateCommand(
            $"select count(*) from {ComplaintsSettings.EventStoreSchema}.mt_events where type = 'complaint_filed'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        intakeChannel?.Dispose();
        routingChannel?.Dispose();
        resolutionChannel?.Dispose();
        followupChannel?.Dispose();
        if (FollowupApp is not null) { await FollowupApp.StopAsync(); await FollowupApp.DisposeAsync(); }
        if (ResolutionApp is not null) { await ResolutionApp.StopAsync(); await ResolutionApp.DisposeAsync(); }
        if (RoutingApp is not null) { await RoutingApp.StopAsync(); await RoutingApp.DisposeAsync(); }
        if (IntakeApp is not null) { await IntakeApp.StopAsync(); await IntakeApp.DisposeAsync(); }
        tracing?.Dispose();
        if (Database is not null) await Database.DisposeAsync();
        if (BrokerLink is not null) await BrokerLink.DisposeAsync();
        if (infrastructure is not null) await infrastructure.DisposeAsync();
        Directory.Delete(emptyContentRoot, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
