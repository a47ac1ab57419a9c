namespace Complaints.Contracts.Events;

/// <summary>
/// The relay's notice for one page of committed events: which complaints changed, up to which
/// stream version, by which event types. It carries no event data: a reader that keeps a view of
/// whole complaints (routing's new complaints, resolution's notices of moved dates, follow-up's facts and second-complaint links,
/// resolution's case files, the desk's open pages) reads or refolds them from the store, so one notice per page replaces a
/// delivery per event. Redelivered or out of order, it only makes a reader look again.
/// </summary>
public sealed record ComplaintsChanged(IReadOnlyList<ComplaintChange> Changes);

/// <summary>One complaint in a <see cref="ComplaintsChanged"/>: its stream's version after the page, and the CLR names of the page's event types for it.</summary>
public sealed record ComplaintChange(Guid ComplaintId, long Version, IReadOnlyList<string> EventTypes);

/// <summary>What the relay puts on RabbitMQ besides <see cref="ComplaintsChanged"/>.</summary>
public static class RelayedEvents
{
    /// <summary>
    /// The event types the relay publishes one by one: exactly those some service consumes. Every
    /// other event is announced only in <see cref="ComplaintsChanged"/>. The relay publishes
    /// mandatory, so a type listed here with no queue bound for it holds the relay until one is
    /// (deploy the consumer first, then the relay that lists it); a consumer of a type not listed
    /// here would never receive it. A test checks this list against every consumer, both ways.
    /// </summary>
    public static readonly IReadOnlySet<Type> OneByOne = new HashSet<Type>
    {
        typeof(FirstResponseSent),
        typeof(ProgressUpdateMissed),
        typeof(CommitmentMade),
        typeof(RemedyRejected),
        typeof(ComplaintResolved),
        typeof(ComplaintReopened),
        typeof(DepartmentTaskOpened),
        typeof(DepartmentTaskAnswered),
        typeof(DepartmentTaskHandedBack),
        typeof(CustomerDataErased),
    };
}
