using Complaints.Contracts.Events;

namespace Complaints.ServiceDefaults;

public static class ComplaintStreamEvents
{
    /// <summary>Every event type a complaint stream may hold, registered with Marten in every service so any of them can read a whole stream.</summary>
    public static readonly Type[] All = typeof(IComplaintEvent).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IComplaintEvent).IsAssignableFrom(t))
        .ToArray();
}
