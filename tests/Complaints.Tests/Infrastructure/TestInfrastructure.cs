using System.Net.Http.Headers;
using System.Text;
using DotNet.Testcontainers.Containers;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Complaints.Tests.Infrastructure;

/// <summary>
/// Real PostgreSQL and RabbitMQ for the integration tests. Endpoints come from the environment
/// (set by <c>eval "$(eng/infra.sh env)"</c>); without them, and with a Docker engine, they are
/// started with Testcontainers; otherwise the tests fail and say how to start them.
/// Each run gets its own database and RabbitMQ virtual host, dropped at the end, so runs never
/// see each other's complaints or messages.
/// </summary>
public sealed class TestInfrastructure : IAsyncDisposable
{
    public const string PostgresVariable = "COMPLAINTS_TEST_POSTGRES";
    public const string RabbitMqVariable = "COMPLAINTS_TEST_RABBITMQ";
    public const string RabbitMqManagementVariable = "COMPLAINTS_TEST_RABBITMQ_MANAGEMENT";

    private readonly List<IContainer> containers = [];
    private string adminPostgres = "";
    private Uri managementUri = null!;

    /// <summary>RabbitMQ's management API, with its credentials.</summary>
    public Uri ManagementAddress => managementUri;
    private string runName = "";

    /// <summary>Connection string of this run's own database.</summary>
    public string Postgres { get; private set; } = "";

    /// <summary>Host and port of the broker (the proxy in front of it forwards here).</summary>
    public Uri RabbitMqServer { get; private set; } = null!;

    /// <summary>This run's virtual host, user and password, to combine with an address.</summary>
    public string RabbitMqVirtualHost => runName;

    public string RabbitMqUserInfo { get; private set; } = "";

    public static async Task<TestInfrastructure> StartAsync()
    {
        var infrastructure = new TestInfrastructure();
        await infrastructure.ResolveEndpointsAsync();
        await infrastructure.CreateRunScopeAsync();
        return infrastructure;
    }

    private async Task ResolveEndpointsAsync()
    {
        var postgres = Environment.GetEnvironmentVariable(PostgresVariable);
        var rabbit = Environment.GetEnvironmentVariable(RabbitMqVariable);
        var management = Environment.GetEnvironmentVariable(RabbitMqManagementVariable);
        if (!string.IsNullOrWhiteSpace(postgres) && !string.IsNullOrWhiteSpace(rabbit) && !string.IsNullOrWhiteSpace(management))
        {
            adminPostgres = postgres;
            RabbitMqServer = new Uri(rabbit);
            managementUri = new Uri(management);
            return;
        }

        try
        {
            var pg = new PostgreSqlBuilder("postgres:15").Build();
            var mq = new RabbitMqBuilder("rabbitmq:3.10-management").WithPortBinding(15672, true).Build();
            containers.Add(pg);
            containers.Add(mq);
            await Task.WhenAll(pg.StartAsync(), mq.StartAsync());
            adminPostgres = pg.GetConnectionString();
            RabbitMqServer = new Uri(mq.GetConnectionString());
            managementUri = new UriBuilder("http", mq.Hostname, mq.GetMappedPublicPort(15672)) { UserName = "rabbitmq", Password = "rabbitmq" }.Uri;
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"The integration tests need PostgreSQL and RabbitMQ. Start them with 'eng/infra.sh up' and export their settings with " +
                $"'eval \"$(eng/infra.sh env)\"' (or run 'eng/test.sh', which does both), or set {PostgresVariable}, {RabbitMqVariable} and " +
                $"{RabbitMqManagementVariable} yourself. Without them the tests try Testcontainers, which failed: {ex.Message}", ex);
        }
    }

    private async Task CreateRunScopeAsync()
    {
        runName = $"complaints_test_{DateTime.UtcNow:yyyyMMddHHmmss}_{Random.Shared.Next(100000, 999999)}";

        await using (var admin = new NpgsqlConnection(adminPostgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {runName}", admin);
            await create.ExecuteNonQueryAsync();
        }
        Postgres = new NpgsqlConnectionStringBuilder(adminPostgres) { Database = runName, MaxPoolSize = 40 }.ConnectionString;

        var (user, _) = Credentials(RabbitMqServer);
        RabbitMqUserInfo = RabbitMqServer.UserInfo;
        using var http = ManagementClient();
        (await http.PutAsync($"api/vhosts/{runName}", Json("{}"))).EnsureSuccessStatusCode();
        (await http.PutAsync($"api/permissions/{runName}/{Uri.EscapeDataString(user)}",
            Json("""{"configure":".*","write":".*","read":".*"}"""))).EnsureSuccessStatusCode();
    }

    /// <summary>An AMQP address for this run's virtual host, at the given host and port.</summary>
    public string RabbitMqAddress(string host, int port) => $"amqp://{RabbitMqUserInfo}@{host}:{port}/{runName}";

    /// <summary>Messages waiting in each queue of this run's virtual host (RabbitMQ's management API).</summary>
    public async Task<IReadOnlyDictionary<string, long>> QueueDepthsAsync()
    {
        using var http = ManagementClient();
        using var response = await http.GetAsync($"api/queues/{runName}?columns=name,messages");
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.EnumerateArray().ToDictionary(
            q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.Number ? m.GetInt64() : 0);
    }

    private readonly List<string> isolatedScopes = [];

    /// <summary>A database and a virtual host of their own, for a test that must not share the platform's (dropped at the end).</summary>
    public async Task<(string Postgres, Uri Broker)> CreateIsolatedScopeAsync()
    {
        var name = $"{runName}_{isolatedScopes.Count + 1}";
        isolatedScopes.Add(name);
        await using (var admin = new NpgsqlConnection(adminPostgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var (user, _) = Credentials(RabbitMqServer);
        using var http = ManagementClient();
        (await http.PutAsync($"api/vhosts/{name}", Json("{}"))).EnsureSuccessStatusCode();
        (await http.PutAsync($"api/permissions/{name}/{Uri.EscapeDataString(user)}",
            Json("""{"configure":".*","write":".*","read":".*"}"""))).EnsureSuccessStatusCode();
        return (new NpgsqlConnectionStringBuilder(adminPostgres) { Database = name }.ConnectionString,
            new Uri($"amqp://{RabbitMqUserInfo}@{RabbitMqServer.Host}:{RabbitMqServer.Port}/{name}"));
    }

    /// <summary>A queue as RabbitMQ's management API describes it (type, arguments, depth).</summary>
    public async Task<System.Text.Json.JsonElement> QueueAsync(string name)
    {
        using var http = ManagementClient();
        var json = await http.GetStringAsync($"api/queues/{runName}/{Uri.EscapeDataString(name)}");
        return System.Text.Json.JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>
    /// The exchanges whose messages reach a queue of this run's virtual host: those bound to it, and
    /// through MassTransit's exchange of the queue's own name, those bound to that (the default exchange left out).
    /// </summary>
    public async Task<IReadOnlyList<string>> QueueSourcesAsync(string queue)
    {
        using var http = ManagementClient();
        async Task<List<string>> SourcesAsync(string path)
        {
            using var bindings = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(path));
            return [.. bindings.RootElement.EnumerateArray().Select(b => b.GetProperty("source").GetString()!).Where(source => source.Length > 0)];
        }
        var direct = await SourcesAsync($"api/queues/{runName}/{Uri.EscapeDataString(queue)}/bindings");
        var sources = direct.Where(s => s != queue).ToList();
        if (direct.Contains(queue)) sources.AddRange(await SourcesAsync($"api/exchanges/{runName}/{Uri.EscapeDataString(queue)}/bindings/destination"));
        return sources;
    }

    private HttpClient ManagementClient()
    {
        var (user, password) = Credentials(managementUri);
        var http = new HttpClient { BaseAddress = new Uri(managementUri.GetLeftPart(UriPartial.Authority) + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http;
    }

    private static (string User, string Password) Credentials(Uri uri)
    {
        var parts = uri.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        try
        {
            // COMPLAINTS_TEST_KEEP=1 keeps the run's database and virtual host for a post-mortem.
            if (Environment.GetEnvironmentVariable("COMPLAINTS_TEST_KEEP") == "1") return;
            using var http = ManagementClient();
            await http.DeleteAsync($"api/vhosts/{runName}");
            foreach (var scope in isolatedScopes) await http.DeleteAsync($"api/vhosts/{scope}");
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(adminPostgres);
            await admin.OpenAsync();
            foreach (var database in isolatedScopes.Append(runName))
            {
                await using var drop = new NpgsqlCommand($"drop database if exists {database} with (force)", admin);
                await drop.ExecuteNonQueryAsync();
            }
        }
        finally
        {
            foreach (var container in containers) await container.DisposeAsync();
        }
    }
}
