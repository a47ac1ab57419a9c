using System.Diagnostics;

namespace Complaints.ServiceDefaults;

public static class ComplaintsTelemetry
{
    public const string SourceName = "Complaints";

    /// <summary>Spans of the platform's own making (the event relay, consumers' domain steps).</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Header under which an event keeps the W3C trace context of the request that caused it.</summary>
    public const string TraceParentHeader = "traceparent";
}
