using System.Collections;
using System.Diagnostics;

namespace Complaints.Tests.Infrastructure;

/// <summary>A thread-safe collection for OpenTelemetry's in-memory exporter: the services export from their own threads while a test reads.</summary>
public sealed class ActivityLog : ICollection<Activity>
{
    private readonly List<Activity> activities = [];
    private readonly HashSet<ActivityTraceId> watched = [];

    /// <summary>PostgreSQL's spans are many; they are kept only for the traces a test watches.</summary>
    public void Watch(ActivityTraceId traceId) { lock (activities) watched.Add(traceId); }

    public Activity[] Snapshot() { lock (activities) return activities.ToArray(); }

    public void Add(Activity item)
    {
        lock (activities)
        {
            if (item.Source.Name == "Npgsql" && !watched.Contains(item.TraceId)) return;
            // A span of a watched trace linked to another (a batch's work, where one complaint's
            // decision was written with others') makes that trace's later database spans kept too.
            if (watched.Contains(item.TraceId))
                foreach (var link in item.Links) watched.Add(link.Context.TraceId);
            activities.Add(item);
        }
    }
    public void Clear() { lock (activities) activities.Clear(); }
    public bool Contains(Activity item) { lock (activities) return activities.Contains(item); }
    public void CopyTo(Activity[] array, int arrayIndex) { lock (activities) activities.CopyTo(array, arrayIndex); }
    public bool Remove(Activity item) { lock (activities) return activities.Remove(item); }
    public int Count { get { lock (activities) return activities.Count; } }
    public bool IsReadOnly => false;
    public IEnumerator<Activity> GetEnumerator() => ((IEnumerable<Activity>)Snapshot()).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
