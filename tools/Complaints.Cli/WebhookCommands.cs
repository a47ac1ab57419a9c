using Complaints.Intake.Webhooks;
using Npgsql;

namespace Complaints.Cli;

/// <summary>The operators' view of the webhook outbox: what waits, what failed and why; and sending the given-up notices again.</summary>
internal static class WebhookCommands
{
    public static async Task<int> RunAsync(string action, string? client, string? postgres)
    {
        if (string.IsNullOrWhiteSpace(postgres))
        {
            Console.Error.WriteLine("complaints webhooks needs the database: --postgres CONNECTION or ConnectionStrings__Postgres (eval \"$(eng/infra.sh env)\" locally)");
            return 2;
        }
        await using var database = NpgsqlDataSource.Create(postgres);
        var store = new WebhookStore(database);
        try
        {
            return await RunAsync(store, action, client);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            Console.Error.WriteLine("This database has no webhook outbox yet: start intake's relay once so it applies the schema.");
            return 1;
        }
    }

    private static async Task<int> RunAsync(WebhookStore store, string action, string? client)
    {
        switch (action)
        {
            case "status":
                var rows = await store.StatusAsync(CancellationToken.None);
                if (rows.Count == 0) Console.WriteLine("No notices yet (no channel system has a webhook, or nothing has happened to its complaints).");
                foreach (var (name, status, notices, oldest, lastError) in rows)
                    Console.WriteLine($"{name,-20} {status,-10} {notices,8}" + (oldest is { } at ? $"  oldest since {at:u}" : "") + (lastError is null ? "" : $"  last error: {lastError}"));
                return 0;
            case "resend-failed":
                var resent = await store.RetryFailedAsync(client, DateTimeOffset.UtcNow, CancellationToken.None);
                Console.WriteLine($"{resent} given-up notice(s) will be sent again, in order per complaint, with a new retry window.");
                return 0;
            default:
                Console.Error.WriteLine("usage: complaints webhooks [status | resend-failed [--client ID]]");
                return 2;
        }
    }
}
