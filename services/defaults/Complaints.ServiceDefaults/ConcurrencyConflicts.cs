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
}
