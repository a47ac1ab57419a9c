using Complaints.Contracts.Intake.V1;
using Complaints.Intake;
using Complaints.ServiceDefaults;
using Complaints.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Complaints.Tests.Integration;

/// <summary>
/// When PostgreSQL cannot be reached, callers are told Unavailable (which gRPC retry policies retry),
/// never Unknown, and nothing about the internals; once it is back, the same call succeeds.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OutageStatusTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_database_outage_answers_Unavailable_and_the_retry_succeeds()
    {
        // A second intake whose way to PostgreSQL goes through a link the test can cut.
        var database = new NpgsqlConnectionStringBuilder(platform.PostgresConnectionString);
        await using var link = new TcpProxy(database.Host!, database.Port);
        database.Host = "127.0.0.1";
        database.Port = link.Port;
        database.Timeout = 3;
        database.Pooling = false;
        var app = IntakeHost.Build(["--contentRoot", AppContext.BaseDirectory], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddSingleton<TimeProvider>(platform.Clock);
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = database.ConnectionString,
                ["ConnectionStrings:RabbitMq"] = platform.BrokerAddress.ToString(),
                [ComplaintsSettings.RunEventRelayKey] = "false",
                [ComplaintsSettings.AutoCreateKey] = "None",
                ["Complaints:Auth:Authority"] = platform.IssuerAddress,
                ["Complaints:Auth:RequireHttpsMetadata"] = "false",
                ["Complaints:PersonalData:ActiveKeyId"] = "tests-1",
                ["Complaints:PersonalData:KeyEncryptionKeys:tests-1"] = platform.KeyEncryptionKey,
                ["Complaints:Audit:SigningKey"] = Convert.ToBase64String(platform.AuditSigningKey.ExportPkcs8PrivateKey()),
            });
        });
        await app.StartAsync();
        try
        {
            var intake = new Contracts.Intake.V1.Intake.IntakeClient(platform.ChannelAs(app, "channel-phone"));
            var request = Requests.Valid();
            request.IdempotencyKey = Guid.NewGuid().ToString("N");

            link.Cut();
            var down = await Assert.ThrowsAsync<RpcException>(() => intake.FileComplaintAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, down.StatusCode);
            Assert.DoesNotContain("Npgsql", down.Status.Detail);
            var reading = await Assert.ThrowsAsync<RpcException>(() => intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, reading.StatusCode);

            // The clients of this repo (CLI, demos, load generator) try an Unavailable call again with backoff.
            var attempts = 0;
            using var http = new HttpClient();
            using var retrying = Client.AuthenticatedChannel.Retrying(PlatformFixture.AddressOf(app),
                platform.Identities.Credentials(http, "channel-phone", new Uri(platform.IssuerAddress)),
                new Grpc.Net.Client.GrpcChannelOptions { HttpHandler = new CountingHandler(() => Interlocked.Increment(ref attempts)) });
            var retried = await Assert.ThrowsAsync<RpcException>(() => new Contracts.Intake.V1.Intake.IntakeClient(retrying)
                .GetComplaintAsync(new GetComplaintRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);
            Assert.Equal((StatusCode.Unavailable, Client.AuthenticatedChannel.RetryPolicy.MaxAttempts), (retried.StatusCode, attempts));

            link.Restore();
            var filed = await intake.FileComplaintAsync(request);
            Assert.False(filed.Replayed);
            Assert.True((await intake.FileComplaintAsync(request)).Replayed);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

/// <summary>Counts the HTTP requests a gRPC channel sends, so a test sees each retry.</summary>
internal sealed class CountingHandler(Action sent) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        sent();
        return base.SendAsync(request, cancellationToken);
    }
}
