using System.Diagnostics;

namespace Complaints.ServiceDefaults;

public static class ComplaintsTelemetry
{
    public const string SourceName = "Complaints";

    /// <summary>Spans of the platform's own making (the event relay, consumers' domain steps).</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Header under which an event keeps the W3C trace context of the request that caused it.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>
    /// The trace context a stored event was appended in (its <see cref="TraceParentHeader"/>), so work
    /// that reacts to it later, elsewhere, continues that trace; none when it was untraced.
    /// </summary>
    public static ActivityContext StoredTraceContext(JasperFx.Events.IEvent @event)
    {
        ActivityContext context = default;
        if (@event.Headers is { } headers
            && headers.TryGetValue(TraceParentHeader, out var value)
            && value?.ToString() is { } traceParent)
        {
            ActivityContext.TryParse(traceParent, null, isRemote: true, out context);
        }
        return context;
    }
}
