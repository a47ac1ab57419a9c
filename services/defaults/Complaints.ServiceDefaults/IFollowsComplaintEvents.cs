namespace Complaints.ServiceDefaults;

/// <summary>
/// A consumer that takes complaint events of several types as <see cref="Contracts.Events.IComplaintEvent"/>
/// from one queue (<see cref="MessagingDefaults.AddEventsBatchConsumer{TConsumer}"/>): the types it
/// follows, which its queue is bound to, and which the relay must therefore publish one by one.
/// </summary>
public interface IFollowsComplaintEvents
{
    static abstract IReadOnlyCollection<Type> Follows { get; }
}
