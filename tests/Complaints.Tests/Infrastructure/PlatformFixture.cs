using System.Collections.Concurrent;
using System.Security.Cryptography;
using Complaints.Client;
using Complaints.Contracts.Intake.V1;
using Complaints;
using Complaints.Identity;
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
using Complaints.ServiceDefaults.HttpApi;
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
using Microsoft.IdentityModel.Tokens;

namespace Complaints.Tests.Infrastructure;

/// <summary>
/// The local OIDC issuer and the four services (intake with the event relay), each a real Kestrel
/// host on a loopback port, wired to real PostgreSQL and RabbitMQ. RabbitMQ is reached through
/// <see cref="BrokerLink"/> so tests can cut it. Every span the services make lands in
/// <see cref="Spans"/>. Clients call as demo identities of eng/dev-identities.json, with tokens
/// from the issuer (<see cref="IntakeAs"/> and its siblings).
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private readonly string emptyContentRoot = Directory.CreateTempSubdirectory("complaints-tests-").FullName;
    private TestInfrastructure infrastructure = null!;
    private TracerProvider tracing = null!;
    private readonly ConcurrentDictionary<(string Address, string ClientId), GrpcChannel> channels = new();
    private readonly HttpClient http = new();
    private DevIdentityFile identities = null!;
    private string servicesPostgres = "";

    /// <summary>The key the issuer signs with, so that tests can forge tokens it would never issue.</summary>
    public RsaSecurityKey IssuerKey { get; } = new(RSA.Create(2048)) { KeyId = "complaints-tests" };

    public WebApplication IdentityApp { get; private set; } = null!;
    public string IssuerAddress { get; private set; } = "";

    public WebApplication IntakeApp { get; private set; } = null!;
    public WebApplication RoutingApp { get; private set; } = null!;
    public WebApplication ResolutionApp { get; private set; } = null!;
    /// <summary>Resolution as a manager (any case); workflow tests act as the assigned agent with <see cref="ResolutionAs"/>.</summary>
    public Contracts.Resolution.V1.Resolution.ResolutionClient Resolution => ResolutionAs("mgr-care");
    public WebApplication FollowupApp { get; private set; } = null!;
    /// <summary>Follow-up as the quality analyst (KPIs, root causes, the case library).</summary>
    public Contracts.Followup.V1.Followup.FollowupClient Followup => FollowupAs("analyst-01");
    public CallbackSweeper Callbacks => FollowupApp.Services.GetRequiredService<CallbackSweeper>();
    public FactsStore Facts => FollowupApp.Services.GetRequiredService<FactsStore>();
    public MissedUpdateSweeper MissedUpdates => ResolutionApp.Services.GetRequiredService<MissedUpdateSweeper>();
    /// <summary>Intake as the phone channel system, which files (and may read) the tests' complaints.</summary>
    public Contracts.Intake.V1.Intake.IntakeClient Intake => IntakeAs("channel-phone");
    /// <summary>Routing as a manager, who may list any agent's cases.</summary>
    public Contracts.Routing.V1.Routing.RoutingClient Routing => RoutingAs("mgr-care");

    public Contracts.Intake.V1.Intake.IntakeClient IntakeAs(string clientId) => new(ChannelAs(IntakeApp, clientId));
    /// <summary>The audit API (on intake), as the demo auditor.</summary>
    public Contracts.Audit.V1.Audit.AuditClient Auditor => new(ChannelAs(IntakeApp, "auditor-01"));
    public Contracts.Routing.V1.Routing.RoutingClient RoutingAs(string clientId) => new(ChannelAs(RoutingApp, clientId));
    public Contracts.Resolution.V1.Resolution.ResolutionClient ResolutionAs(string clientId) => new(ChannelAs(ResolutionApp, clientId));
    public Contracts.Followup.V1.Followup.FollowupClient FollowupAs(string clientId) => new(ChannelAs(FollowupApp, clientId));

    /// <summary>A channel to <paramref name="app"/> that sends a token of the demo identity <paramref name="clientId"/>.</summary>
    public GrpcChannel ChannelAs(WebApplication app, string clientId) =>
        channels.GetOrAdd((AddressOf(app), clientId), key => AuthenticatedChannel.For(key.Address, identities.Credentials(http, key.ClientId, new Uri(IssuerAddress))));

    /// <summary>A channel that sends no token, or the raw header given.</summary>
    public GrpcChannel Anonymous(WebApplication app) => channels.GetOrAdd((AddressOf(app), ""), key => GrpcChannel.ForAddress(key.Address));

    /// <summary>A token of a demo identity, from the issuer, as a client gets it.</summary>
    public Task<string> TokenAsync(string clientId) => identities.Credentials(http, clientId, new Uri(IssuerAddress)).GetTokenAsync();

    public DevIdentityFile Identities => identities;

    /// <summary>The key-encryption key the services use in these tests (a random one per run).</summary>
    public string KeyEncryptionKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The audit checkpoints' signing key of this run, and its public half as auditors get it.</summary>
    public ECDsa AuditSigningKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Retention before erasure is allowed, short so that tests move the fake clock past it.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    /// <summary>The clock of both services. It only moves when a test advances it; the SLA sweeper only sweeps when a test asks.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public SlaSweeper Sweeper => RoutingApp.Services.GetRequiredService<SlaSweeper>();

    // Every test shares the clock, and a test that moves it makes other tests' cases due too. A test
    // therefore sweeps only its own complaints, so its sweep never acts on another test's cases (and
    // another test's leftovers never crowd its own out of a sweep's batch).

    /// <summary>One SLA sweep over these complaints only; returns how many escalated.</summary>
    public Task<int> SweepSlaAsync(params string[] complaintIds) =>
        Sweeper.SweepOnceAsync(CancellationToken.None, only: complaintIds.Select(Guid.Parse).ToArray());

    /// <summary>One SLA sweep over these complaints only, handing each case that failed to <paramref name="failures"/>.</summary>
    public Task<int> SweepSlaAsync(Action<Guid, Exception> failures, params Guid[] complaintIds) =>
        Sweeper.SweepOnceAsync(CancellationToken.None, failures, complaintIds);

    /// <summary>One missed-update sweep over these complaints only; returns how many were flagged.</summary>
    public Task<int> SweepMissedUpdatesAsync(params string[] complaintIds) =>
        MissedUpdates.SweepOnceAsync(CancellationToken.None, complaintIds.Select(Guid.Parse).ToArray());

    /// <summary>One call-back sweep over these complaints only; returns how many call-backs fired.</summary>
    public Task<int> SweepCallbacksAsync(params string[] complaintIds) =>
        Callbacks.SweepOnceAsync(CancellationToken.None, complaintIds.Select(Guid.Parse).ToArray());
    public TcpProxy BrokerLink { get; private set; } = null!;
    /// <summary>The services' way to PostgreSQL, which tests can cut as they cut <see cref="BrokerLink"/>.</summary>
    public TcpProxy DatabaseLink { get; private set; } = null!;
    public Task<IReadOnlyDictionary<string, long>> QueueDepthsAsync() => infrastructure.QueueDepthsAsync();
    public Task<System.Text.Json.JsonElement> QueueAsync(string name) => infrastructure.QueueAsync(name);
    public Task<(string Postgres, Uri Broker)> CreateIsolatedScopeAsync() => infrastructure.CreateIsolatedScopeAsync();
    /// <summary>RabbitMQ's management API, for the operators' error-queue commands.</summary>
    public Uri BrokerManagement => infrastructure.ManagementAddress;
    public Task<IReadOnlyList<string>> QueueSourcesAsync(string queue) => infrastructure.QueueSourcesAsync(queue);
    /// <summary>This run's RabbitMQ virtual host, straight (not through <see cref="BrokerLink"/>).</summary>
    public Uri BrokerAddress => new(infrastructure.RabbitMqAddress(infrastructure.RabbitMqServer.Host, infrastructure.RabbitMqServer.Port));
    public NpgsqlDataSource Database { get; private set; } = null!;
    /// <summary>This run's database, with its credentials (a data source's own string hides the password).</summary>
    public string PostgresConnectionString => infrastructure.Postgres;
    public ActivityLog Spans { get; } = new();
    public WarningLog Warnings { get; } = new();

    public async Task InitializeAsync()
    {
        infrastructure = await TestInfrastructure.StartAsync();
        BrokerLink = new TcpProxy(infrastructure.RabbitMqServer.Host, infrastructure.RabbitMqServer.Port);
        Database = NpgsqlDataSource.Create(infrastructure.Postgres);
        var postgres = new NpgsqlConnectionStringBuilder(infrastructure.Postgres);
        DatabaseLink = new TcpProxy(postgres.Host!, postgres.Port);
        servicesPostgres = new NpgsqlConnectionStringBuilder(infrastructure.Postgres) { Host = "127.0.0.1", Port = DatabaseLink.Port }.ConnectionString;

        tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource("MassTransit", ComplaintsTelemetry.SourceName, "Complaints.Tests", "Npgsql")
            .AddAspNetCoreInstrumentation()
            .AddInMemoryExporter(Spans)
            .Build()!;

        identities = DevIdentityFile.Load(DevIdentityFile.Locate());
        IdentityApp = IdentityHost.Build(["--contentRoot", emptyContentRoot], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.AddProvider(Warnings);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        }, IssuerKey);
        await IdentityApp.StartAsync();
        IssuerAddress = AddressOf(IdentityApp) + "/";

        // Intake first: it applies the schema and starts the relay; routing then finds the schema in place.
        IntakeApp = await StartAsync(IntakeHost.Build, runEventRelay: true);
        RoutingApp = await StartAsync(RoutingHost.Build, runEventRelay: false);
        ResolutionApp = await StartAsync(ResolutionHost.Build, runEventRelay: false);
        FollowupApp = await StartAsync(FollowupHost.Build, runEventRelay: false);
    }

    private async Task<WebApplication> StartAsync(Func<string[], Action<WebApplicationBuilder>?, WebApplication> build, bool runEventRelay)
    {
        // The HTTP API needs a port known before start (its endpoints speak HTTP/1.1, gRPC's HTTP/2).
        var httpApiPort = TestPorts.Reserve();
        var app = build(["--contentRoot", emptyContentRoot], builder =>
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:0;http://127.0.0.1:{httpApiPort}");
            builder.Services.AddSingleton<TimeProvider>(Clock);
            builder.Logging.AddProvider(Warnings);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = servicesPostgres,
                // A short budget for failures other than outages, which are waited out (MessagingDefaults).
                ["Complaints:Messaging:RetryLimit"] = "6",
                ["Complaints:Messaging:DeadLetterPoll"] = "00:00:01",
                ["ConnectionStrings:RabbitMq"] = infrastructure.RabbitMqAddress("127.0.0.1", BrokerLink.Port),
                [ComplaintsSettings.RunEventRelayKey] = runEventRelay.ToString(),
                [HttpApiDefaults.PortKey] = httpApiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // channel-web's webhook (WebhookTests runs the receiver; the sender runs when a test asks).
                ["Complaints:Webhooks:Subscribers:channel-web:Url"] = WebhookAddress.ToString(),
                ["Complaints:Webhooks:Subscribers:channel-web:Secrets:0"] = WebhookSecret,
                ["Complaints:Webhooks:Subscribers:channel-web:Secrets:1"] = "the-previous-secret-being-rotated-out",
                ["Complaints:Webhooks:PollInterval"] = "00:00:00",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Complaints"] = "Information",
                ["Complaints:Routing:SlaSweeper:Interval"] = "00:00:00",
                ["Complaints:Resolution:SweepInterval"] = "00:00:00",
                // Three regulators' clocks on privacy complaints, each on its own calendar (RegulatoryClockTests).
                ["Complaints:Sla:RegulatoryClocks:0:Name"] = "cn-decision",
                ["Complaints:Sla:RegulatoryClocks:0:Rule"] = "China banking and insurance: a decision within 15 days, 30 if complex",
                ["Complaints:Sla:RegulatoryClocks:0:Categories:0"] = "privacy_data",
                ["Complaints:Sla:RegulatoryClocks:0:Days"] = "15",
                ["Complaints:Sla:RegulatoryClocks:0:ComplexDays"] = "30",
                ["Complaints:Sla:RegulatoryClocks:0:ExtensionDays"] = "30",
                ["Complaints:Sla:RegulatoryClocks:1:Name"] = "uk-fca-summary",
                ["Complaints:Sla:RegulatoryClocks:1:Rule"] = "FCA: a summary resolution by the close of the third business day",
                ["Complaints:Sla:RegulatoryClocks:1:Categories:0"] = "privacy_data",
                ["Complaints:Sla:RegulatoryClocks:1:Days"] = "3",
                ["Complaints:Sla:RegulatoryClocks:1:BusinessDays"] = "true",
                ["Complaints:Sla:RegulatoryClocks:1:TimeZone"] = "Europe/London",
                ["Complaints:Sla:RegulatoryClocks:1:WarnBefore"] = "1.00:00:00",
                ["Complaints:Sla:RegulatoryClocks:2:Name"] = "us-cfpb",
                ["Complaints:Sla:RegulatoryClocks:2:Rule"] = "CFPB: a response within 15 days",
                ["Complaints:Sla:RegulatoryClocks:2:Categories:0"] = "privacy_data",
                ["Complaints:Sla:RegulatoryClocks:2:Days"] = "15",
                ["Complaints:Sla:RegulatoryClocks:2:ExtensionDays"] = "45",
                ["Complaints:Sla:RegulatoryClocks:2:ExtensionRequires"] = "InProgressResponse",
                ["Complaints:Followup:SweepInterval"] = "00:00:00",
                ["Complaints:Auth:Authority"] = IssuerAddress,
                ["Complaints:Auth:RequireHttpsMetadata"] = "false",
                ["Complaints:PersonalData:ActiveKeyId"] = "tests-1",
                ["Complaints:PersonalData:KeyEncryptionKeys:tests-1"] = KeyEncryptionKey,
                ["Complaints:PersonalData:LegalHold:RetentionPeriod"] = Retention.ToString(),
                ["Complaints:Audit:SigningKey"] = Convert.ToBase64String(AuditSigningKey.ExportPkcs8PrivateKey()),
                ["Complaints:Audit:SigningKeyId"] = "tests-1",
                ["Complaints:Audit:CheckpointInterval"] = "00:00:00",
            });
        });
        await app.StartAsync();
        // Start-up applies the schema in the background; the tests begin once it is in place.
        await app.Services.GetRequiredService<SchemaReadiness>().WhenApplied.WaitAsync(TimeSpan.FromMinutes(2));
        return app;
    }

    /// <summary>An intake (with the event relay, the sealer and checkpoints) on a database and virtual host of its own.</summary>
    public WebApplication IsolatedIntakeWithRelay(string postgres, Uri broker) =>
        IntakeHost.Build(["--contentRoot", AppContext.BaseDirectory], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = postgres,
                ["ConnectionStrings:RabbitMq"] = broker.ToString(),
                [ComplaintsSettings.RunEventRelayKey] = "true",
                ["Complaints:Auth:Authority"] = IssuerAddress,
                ["Complaints:Auth:RequireHttpsMetadata"] = "false",
                ["Complaints:PersonalData:ActiveKeyId"] = "tests-1",
                ["Complaints:PersonalData:KeyEncryptionKeys:tests-1"] = KeyEncryptionKey,
                ["Complaints:Audit:SigningKey"] = Convert.ToBase64String(AuditSigningKey.ExportPkcs8PrivateKey()),
            });
        });

    /// <summary>Where channel-web's notices go, and the secret it checks them with (WebhookTests).</summary>
    public int WebhookPort { get; } = TestPorts.Reserve();
    public Uri WebhookAddress => new($"http://127.0.0.1:{WebhookPort}/hooks/complaints");
    public string WebhookSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    public Complaints.Intake.Webhooks.WebhookSender Webhooks => IntakeApp.Services.GetRequiredService<Complaints.Intake.Webhooks.WebhookSender>();

    /// <summary>The service's gRPC address.</summary>
    public static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(address => new Uri(address).Port != HttpApiDefaults.PortOf(app.Configuration));

    /// <summary>The service's HTTP/JSON API (HTTP/1.1), e.g. http://127.0.0.1:41234.</summary>
    public static Uri HttpApiOf(WebApplication app) =>
        new($"http://127.0.0.1:{HttpApiDefaults.PortOf(app.Configuration) ?? throw new InvalidOperationException("this instance has no HTTP API port")}");

    private Task<Browser.DeskHarness>? desk;
    private readonly object deskLock = new();

    /// <summary>The desk and a browser, started on first use (only the browser tests need them) and stopped with the platform.</summary>
    public Task<Browser.DeskHarness> DeskAsync()
    {
        lock (deskLock) return desk ??= Browser.DeskHarness.StartAsync(this);
    }

    /// <summary>The relay of the platform's events (it runs in intake here).</summary>
    public ComplaintEventRelay Relay => IntakeApp.Services.GetRequiredService<ComplaintEventRelay>();

    /// <summary>
    /// Waits until the event at <paramref name="version"/> of the complaint's stream has been consumed
    /// (its consumer spans ended) by <paramref name="consumers"/> receive endpoints: the signal that
    /// whatever reaction it causes has been appended, so a test may then assert one did not happen.
    /// </summary>
    public async Task WaitForEventConsumedAsync(string complaintId, long version, int consumers = 1)
    {
        await using var command = Database.CreateCommand(
            $"select id from {ComplaintsSettings.EventStoreSchema}.mt_events where stream_id = @stream and version = @version");
        command.Parameters.AddWithValue("stream", Guid.Parse(complaintId));
        command.Parameters.AddWithValue("version", version);
        var eventId = ((Guid)(await command.ExecuteScalarAsync())!).ToString();
        await UntilAsync(() => Task.FromResult(Spans.Snapshot().Count(a =>
                a.Source.Name == "MassTransit" && a.Kind == System.Diagnostics.ActivityKind.Consumer
                && a.GetTagItem("messaging.masstransit.message_id")?.ToString() == eventId) >= consumers),
            $"event v{version} of {complaintId} consumed by {consumers} endpoint(s)");
    }

    /// <summary>Publishes a message on the bus as a channel for redelivered events would.</summary>
    public IBus IntakeBus => IntakeApp.Services.GetRequiredService<IBus>();

    /// <summary>Polls <paramref name="done"/> until it holds; fails saying <paramref name="what"/> did not happen in time.</summary>
    public static async Task UntilAsync(Func<Task<bool>> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not in time: {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls intake until the complaint satisfies <paramref name="done"/>, or fails after <paramref name="timeout"/>.</summary>
    public async Task<GetComplaintResponse> WaitForComplaintAsync(string complaintId, Func<GetComplaintResponse, bool> done, TimeSpan timeout, string readAs = "channel-phone")
    {
        var intake = IntakeAs(readAs);
        var deadline = DateTime.UtcNow + timeout;
        GetComplaintResponse complaint;
        do
        {
            complaint = await intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaintId });
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
        if (desk is { IsCompletedSuccessfully: true }) await (await desk).DisposeAsync();
        foreach (var channel in channels.Values) channel.Dispose();
        http.Dispose();
        if (FollowupApp is not null) { await FollowupApp.StopAsync(); await FollowupApp.DisposeAsync(); }
        if (ResolutionApp is not null) { await ResolutionApp.StopAsync(); await ResolutionApp.DisposeAsync(); }
        if (RoutingApp is not null) { await RoutingApp.StopAsync(); await RoutingApp.DisposeAsync(); }
        if (IntakeApp is not null) { await IntakeApp.StopAsync(); await IntakeApp.DisposeAsync(); }
        if (IdentityApp is not null) { await IdentityApp.StopAsync(); await IdentityApp.DisposeAsync(); }
        tracing?.Dispose();
        if (Database is not null) await Database.DisposeAsync();
        if (BrokerLink is not null) await BrokerLink.DisposeAsync();
        if (DatabaseLink is not null) await DatabaseLink.DisposeAsync();
        if (infrastructure is not null) await infrastructure.DisposeAsync();
        Directory.Delete(emptyContentRoot, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
