using Grpc.Core;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Makes sure only one relay publishes, whatever was deployed by mistake: before each page, the
/// relay must hold a PostgreSQL session advisory lock on a connection of its own. A second relay
/// (an intake started with the relay on, an overlapping rollout) finds the lock taken and publishes
/// nothing; if the holder's connection dies, its lock goes with it and it stops until it holds it again.
/// </summary>
public sealed class RelayFence(NpgsqlDataSource database, ILogger<RelayFence> logger) : IAsyncDisposable
{
    /// <summary>The advisory lock key: hashtext('complaints.event-relay') in spirit, fixed so every release agrees.</summary>
    public const long LockKey = 0x636f6d706c61696e; // "complain"

    private readonly SemaphoreSlim gate = new(1, 1);
    private NpgsqlConnection? held;

    public async Task EnsureHeldAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (held is not null)
            {
                try
                {
                    // Still ours only while the session that took it lives.
                    await using var alive = new NpgsqlCommand("select 1", held);
                    await alive.ExecuteScalarAsync(cancellationToken);
                    return;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    logger.LogWarning("The relay lost its lock's session ({Exception}); taking the lock again before publishing", ex.GetType().Name);
                    await held.DisposeAsync();
                    held = null;
                }
            }
            var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var take = new NpgsqlCommand("select pg_try_advisory_lock(@key)", connection);
            take.Parameters.AddWithValue("key", LockKey);
            if (await take.ExecuteScalarAsync(cancellationToken) is true)
            {
                held = connection;
                logger.LogInformation("This relay holds the relay lock and publishes");
                return;
            }
            await connection.DisposeAsync();
            throw new RelayFencedException();
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (held is not null) await held.DisposeAsync();
    }
}

/// <summary>Another relay holds the lock: this one publishes nothing.</summary>
public sealed class RelayFencedException() : Exception("Another event relay holds the relay lock; this one publishes nothing until it is released");
