using Complaints.Contracts.Intake.V1;
using Complaints.ServiceDefaults;
using Complaints.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Complaints.Tests.Integration;

/// <summary>
/// The relay runs hot-cold: two replicas on one database and broker (each on a scope of its own,
/// apart from the shared platform), one leads and publishes, the other stands by and takes over when
/// the leader goes, or when the leader's database session dies. (eng/fault-drill.sh kills the
/// leading replica's process with SIGKILL under load.)
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RelayFailoverTests(PlatformFixture platform)
{
    private static readonly TimeSpan Takeover = TimeSpan.FromSeconds(30);

    private static RelayLeader Leader(WebApplication app) => app.Services.GetRequiredService<RelayLeader>();

    [Fact]
    public async Task One_relay_replica_leads_the_other_takes_over_when_it_goes_and_nothing_committed_is_left_unpublished()
    {
        var (postgres, broker) = await platform.CreateIsolatedScopeAsync();
        var first = platform.IsolatedIntakeWithRelay(postgres, broker);
        var second = platform.IsolatedIntakeWithRelay(postgres, broker);
        await first.StartAsync();
        await second.StartAsync();
        var running = new List<WebApplication> { first, second };
        try
        {
            // A consumer's queue of the relay's notices, as routing's is, to see what is published.
            var factory = new RabbitMQ.Client.ConnectionFactory { Uri = broker };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            await channel.ExchangeDeclareAsync("Complaints.Contracts.Events:ComplaintsChanged", "fanout", durable: true, autoDelete: false);
            var queue = (await channel.QueueDeclareAsync("filed-watcher", durable: true, exclusive: false, autoDelete: false)).QueueName;
            await channel.QueueBindAsync(queue, "Complaints.Contracts.Events:ComplaintsChanged", "");
            var published = new List<string>();
            async Task<bool> PublishedAsync(string id)
            {
                while (await channel.BasicGetAsync(queue, autoAck: true) is { } message) published.Add(System.Text.Encoding.UTF8.GetString(message.Body.Span));
                return published.Any(body => body.Contains(id));
            }
            Task<FileComplaintResponse> FileThroughAsync(WebApplication app) =>
                new Contracts.Intake.V1.Intake.IntakeClient(platform.ChannelAs(app, "channel-phone")).FileComplaintAsync(Requests.Valid()).ResponseAsync;

            // Exactly one leads.
            await PlatformFixture.UntilAsync(() => Task.FromResult(Leader(first).Leading || Leader(second).Leading), "a relay replica leads", Takeover);
            var (leader, standby) = Leader(first).Leading ? (first, second) : (second, first);
            Assert.False(Leader(standby).Leading);
            var before = await FileThroughAsync(standby);
            await PlatformFixture.UntilAsync(() => PublishedAsync(before.ComplaintId), "the leader publishes", Takeover);

            // The leader goes (its pod is deleted; its database session, and the lock, with it) while
            // complaints are being filed: what it had not published yet, the standby publishes.
            var during = new[] { FileThroughAsync(standby), FileThroughAsync(standby), FileThroughAsync(standby) };
            await leader.StopAsync();
            await leader.DisposeAsync();
            running.Remove(leader);
            var after = await FileThroughAsync(standby);
            foreach (var id in (await Task.WhenAll(during)).Append(after).Select(f => f.ComplaintId))
                await PlatformFixture.UntilAsync(() => PublishedAsync(id), $"the standby took over and published it (leading {Leader(standby).Leading}, terms {Leader(standby).Terms})", Takeover);
            Assert.True(Leader(standby).Leading);
            Assert.Equal(1, Leader(standby).Terms);

            // The new leader's database session dies (as when PostgreSQL drops a vanished node's
            // connection): it stops publishing, then leads again once it holds the lock again.
            await using (var database = NpgsqlDataSource.Create(postgres))
            await using (var terminate = database.CreateCommand("""
                select count(pg_terminate_backend(pid)) from pg_locks
                where locktype = 'advisory' and granted and ((classid::bigint << 32) | objid::bigint) = @key and database = (select oid from pg_database where datname = current_database())
                """))
            {
                terminate.Parameters.AddWithValue("key", RelayFence.LockKey);
                Assert.Equal(1L, await terminate.ExecuteScalarAsync());
            }
            await PlatformFixture.UntilAsync(() => Task.FromResult(Leader(standby).Terms == 2 && Leader(standby).Leading), "the relay leads again after its session died", Takeover);
            var last = await FileThroughAsync(standby);
            await PlatformFixture.UntilAsync(() => PublishedAsync(last.ComplaintId), "published after the new term began", Takeover);
        }
        finally
        {
            foreach (var app in running)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }
}
