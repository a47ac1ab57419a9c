using Npgsql;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Another writer got there first: it appended to the stream or changed the document (optimistic
/// concurrency), or PostgreSQL chose this transaction as a deadlock's or a serialization's victim.
/// Doing it again on fresh data is the answer to each.
/// </summary>
public static class ConcurrencyConflicts
{
    public static bool Is(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is JasperFx.ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException) return true;
            if (e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure }) return true;
        }
        return false;
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> again when another writer got in between, up to
    /// <paramref name="attempts"/> times; the last conflict propagates. Each attempt must read afresh
    /// (its own session). Sweepers use it so that a case changed by a reaction landing during the
    /// sweep is decided again on the new stream instead of waiting for the next sweep.
    /// </summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> attempt, int attempts = 5)
    {
        for (var tried = 1; ; tried++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception ex) when (Is(ex) && tried < attempts)
            {
            }
        }
    }
}
