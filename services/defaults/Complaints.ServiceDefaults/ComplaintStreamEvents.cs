using Complaints.Contracts.Events;

namespace Complaints.ServiceDefaults;

public static class ComplaintStreamEvents
{
    /// <summary>Every event type a complaint stream may hold, registered with Marten in every service so any of them can read a whole stream.</summary>
    public static readonly Type[] All = typeof(ComplaintFiled).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(ComplaintFiled).Namespace && t is { IsClass: true, IsAbstract: false } && !t.IsNested)
        .ToArray();
}
