using Complaints.Contracts.Intake.V1;
using Complaints.Intake;
using Complaints.Routing;
using Complaints.ServiceDefaults;
using Complaints.Tests.Infrastructure;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Complaints.Tests.Integration;

/// <summary>
/// A service starts whatever PostgreSQL and RabbitMQ are doing at that moment: it answers liveness at
/// once, reports not ready while they are away, and does its work once they are back, as it recovers
/// from an outage at run time. (A start-up that failed here left a routing replica down for good.)
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class StartupResilienceTests(PlatformFixture platform)
{
    private sealed record Scope(TcpProxy Database, TcpProxy Broker, string Postgres, Uri RabbitMq) : IAsyncDisposable
    {
        public void Cut() { Database.Cut(); Broker.Cut(); }
        public void Restore() { Database.Restore(); Broker.Restore(); }
        public async ValueTask DisposeAsync() { await Database.DisposeAsync(); await Broker.DisposeAsync(); }
    }

    /// <summary>A database and a virtual host of their own (so the schema is yet to be applied), each behind a link the test cuts.</summary>
    private async Task<Scope> IsolatedScopeAsync()
    {
        var (postgres, broker) = await platform.CreateIsolatedScopeAsync();
        var database = new NpgsqlConnectionStringBuilder(postgres);
        var databaseLink = new TcpProxy(database.Host!, database.Port);
        var brokerLink = new TcpProxy(broker.Host, broker.Port);
        database.Host = "127.0.0.1";
        database.Port = databaseLink.Port;
        database.Timeout = 3;
        return new Scope(databaseLink, brokerLink, database.ConnectionString, new UriBuilder(broker) { Host = "127.0.0.1", Port = brokerLink.Port }.Uri);
    }

    private WebApplication Build(Func<string[], Action<WebApplicationBuilder>?, WebApplication> build, Scope scope, bool runEventRelay) =>
        build(["--contentRoot", AppContext.BaseDirectory], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = scope.Postgres,
                ["ConnectionStrings:RabbitMq"] = scope.RabbitMq.ToString(),
                [ComplaintsSettings.RunEventRelayKey] = runEventRelay.ToString(),
                ["Complaints:Auth:Authority"] = platform.IssuerAddress,
                ["Complaints:Auth:RequireHttpsMetadata"] = "false",
                ["Complaints:PersonalData:ActiveKeyId"] = "tests-1",
                ["Complaints:PersonalData:KeyEncryptionKeys:tests-1"] = platform.KeyEncryptionKey,
                ["Complaints:Audit:SigningKey"] = Convert.ToBase64String(platform.AuditSigningKey.ExportPkcs8PrivateKey()),
            });
        });

    private static async Task<HealthCheckResponse.Types.ServingStatus> StatusAsync(WebApplication app, string service)
    {
        using var channel = GrpcChannel.ForAddress(PlatformFixture.AddressOf(app));
        return (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = service })).Status;
    }

    [Fact]
    public async Task Intake_and_routing_start_while_PostgreSQL_and_RabbitMQ_are_down_and_do_their_work_once_they_are_back()
    {
        await using var scope = await IsolatedScopeAsync();
        scope.Cut();
        var intake = Build(IntakeHost.Build, scope, runEventRelay: true);
        var routing = Build(RoutingHost.Build, scope, runEventRelay: false);
        try
        {
            // Started, though neither the schema nor the broker could be reached: alive, not ready.
            await intake.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await routing.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
            foreach (var app in new[] { intake, routing })
            {
                Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync(app, HostDefaults.LiveService));
                Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(app, HostDefaults.ReadyService));
            }

            scope.Restore();
            foreach (var app in new[] { intake, routing })
                await PlatformFixture.UntilAsync(async () => await StatusAsync(app, HostDefaults.ReadyService) == HealthCheckResponse.Types.ServingStatus.Serving,
                    "the service becomes ready once PostgreSQL and RabbitMQ are back");

            // Filed, relayed and routed: the schema was applied, the queues declared, the bus connected.
            var client = new Contracts.Intake.V1.Intake.IntakeClient(platform.ChannelAs(intake, "channel-phone"));
            var filed = await client.FileComplaintAsync(Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));
            await PlatformFixture.UntilAsync(async () => (await client.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId })).Status == ComplaintStatus.Assigned,
                "the complaint filed after the outage is assigned");
        }
        finally
        {
            scope.Restore();
            await routing.StopAsync();
            await intake.StopAsync();
            await routing.DisposeAsync();
            await intake.DisposeAsync();
        }
    }
}
