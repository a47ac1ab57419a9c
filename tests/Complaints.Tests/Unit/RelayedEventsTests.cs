using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using JasperFx.Events;
using MassTransit;

namespace Complaints.Tests.Unit;

/// <summary>
/// What the relay publishes one by one is exactly what the services consume: a type nobody consumes
/// would be returned by the broker and hold the relay (it publishes mandatory), and a consumed type
/// left out would never reach its consumer.
/// </summary>
public sealed class RelayedEventsTests
{
    private static readonly System.Reflection.Assembly[] Services =
    [
        typeof(Complaints.Intake.IntakeHost).Assembly,
        typeof(Complaints.Routing.RoutingHost).Assembly,
        typeof(Complaints.Resolution.ResolutionHost).Assembly,
        typeof(Complaints.Followup.FollowupHost).Assembly,
    ];

    /// <summary>Every message type some consumer of a service takes, a batch consumer's element type included.</summary>
    private static IEnumerable<Type> Consumed() =>
        from assembly in Services
        from type in assembly.GetTypes()
        where type is { IsClass: true, IsAbstract: false }
        from contract in type.GetInterfaces()
        where contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IConsumer<>)
        select Unbatched(contract.GetGenericArguments()[0]);

    private static Type Unbatched(Type message) =>
        message.IsGenericType && message.GetGenericTypeDefinition() == typeof(Batch<>) ? message.GetGenericArguments()[0] : message;

    [Fact]
    public void The_relay_publishes_one_by_one_exactly_the_event_types_some_service_consumes()
    {
        var consumed = Consumed().Where(t => typeof(IComplaintEvent).IsAssignableFrom(t)).ToHashSet();

        // A consumer of every complaint event would need every one published: a view of whole complaints takes the notices instead.
        Assert.DoesNotContain(typeof(IComplaintEvent), consumed);
        Assert.Empty(consumed.Except(RelayedEvents.OneByOne).Select(t => t.Name));
        Assert.Empty(RelayedEvents.OneByOne.Except(consumed).Select(t => t.Name));
    }

    [Theory]
    [InlineData(typeof(Complaints.Routing.RouteComplaint.RouteFiledComplaints))]
    [InlineData(typeof(Complaints.Followup.TakeChangeNotices))]
    [InlineData(typeof(Complaints.Resolution.TakeChangeNotices))]
    public void The_views_of_whole_complaints_take_the_relays_notices_in_durable_queues_of_their_own(Type consumer)
    {
        Assert.Contains(typeof(IConsumer<Batch<ComplaintsChanged>>), consumer.GetInterfaces());
    }

    [Fact]
    public void A_pages_notice_names_each_complaint_once_with_its_last_version_and_its_event_types_in_order()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        IEvent[] page =
        [
            Event(first, 1, new ComplaintRouted(first, "billing", "b", DateTimeOffset.UnixEpoch)),
            Event(second, 4, new ComplaintReopened(second, "r", DateTimeOffset.UnixEpoch)),
            Event(first, 2, new ComplaintAssigned(first, "billing", "agent-01", "agent", "least loaded", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)),
            Event(first, 3, new ComplaintRouted(first, "billing", "b", DateTimeOffset.UnixEpoch)),
        ];

        var notice = ComplaintEventRelay.Notice(page);

        Assert.Equal(2, notice.Changes.Count);
        var one = notice.Changes.Single(c => c.ComplaintId == first);
        Assert.Equal(3, one.Version);
        Assert.Equal(["ComplaintRouted", "ComplaintAssigned"], one.EventTypes);
        var other = notice.Changes.Single(c => c.ComplaintId == second);
        Assert.Equal(4, other.Version);
        Assert.Equal(["ComplaintReopened"], other.EventTypes);
    }

    private static IEvent Event<T>(Guid stream, long version, T data) where T : notnull =>
        new JasperFx.Events.Event<T>(data) { StreamId = stream, Version = version };
}
