using Grpc.Core;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Complaints.ServiceDefaults;

/// <summary>
/// The relay lock: a PostgreSQL session advisory lock on a connection of its own. The relay replica
/// that holds it leads (publishes, seals, signs; <see cref="RelayLeader"/>); the others stand by and
/// try again. The lock lives exactly as long as the session that took it: when the leader's process
/// dies, PostgreSQL drops the session and the lock with it, and a standby takes it. Checked again
/// before every page the relay publishes, so a leader whose session died publishes nothing more.
/// </summary>
public sealed class RelayFence(NpgsqlDataSource database, ILogger<RelayFence> logger) : IAsyncDisposable
{
    /// <summary>The advisory lock key: hashtext('complaints.event-relay') in spirit, fixed so every release agrees.</summary>
    public const long LockKey = 0x636f6d706c61696e; // "complain"

    private readonly SemaphoreSlim gate = new(1, 1);
    private NpgsqlConnection? held;

    public bool Held => Volatile.Read(ref held) is not null;

    /// <summary>Takes the lock if no one holds it; true when this instance holds it (already or now).</summary>
    public async Task<bool> TryTakeAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (held is not null) return true;
            var connection = await database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var take = new NpgsqlCommand("select pg_try_advisory_lock(@key)", connection);
                take.Parameters.AddWithValue("key", LockKey);
                if (await take.ExecuteScalarAsync(cancellationToken) is true)
                {
                    Volatile.Write(ref held, connection);
                    logger.LogInformation("This relay holds the relay lock");
                    return true;
                }
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
            await connection.DisposeAsync();
            return false;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>True while the session that took the lock lives; when it died, the lock is gone and this instance no longer holds it.</summary>
    public async Task<bool> StillHeldAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (held is null) return false;
            try
            {
                await using var alive = new NpgsqlCommand("select 1", held);
                await alive.ExecuteScalarAsync(cancellationToken);
                return true;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("The relay lost its lock's session ({Exception})", ex.GetType().Name);
                await DropAsync();
                return false;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Before a page is published: this instance must hold the lock, or nothing is published.</summary>
    public async Task EnsureHeldAsync(CancellationToken cancellationToken)
    {
        if (!await StillHeldAsync(cancellationToken)) throw new RelayFencedException();
    }

    /// <summary>Gives the lock up (closing its session), for a standby to take.</summary>
    public async Task ReleaseAsync()
    {
        await gate.WaitAsync();
        try
        {
            await DropAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task DropAsync()
    {
        var connection = Interlocked.Exchange(ref held, null);
        if (connection is null) return;
        try
        {
            // Released explicitly: a pooled connection keeps its session, and the lock, when disposed.
            await using var release = new NpgsqlCommand("select pg_advisory_unlock(@key)", connection);
            release.Parameters.AddWithValue("key", LockKey);
            await release.ExecuteScalarAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // The session is gone already, and the lock with it.
        }
        await connection.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await DropAsync();
}

/// <summary>This relay does not hold the relay lock (another leads, or its session died): it publishes nothing.</summary>
public sealed class RelayFencedException() : Exception("This event relay does not hold the relay lock; it publishes nothing until it leads again");
