namespace Complaints.ServiceDefaults;

/// <summary>Another writer appended to the stream or changed the document first (optimistic concurrency).</summary>
public static class ConcurrencyConflicts
{
    public static bool Is(Exception exception) =>
        exception is JasperFx.ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException;
}
