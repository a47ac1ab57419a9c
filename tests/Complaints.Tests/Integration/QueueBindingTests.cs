using Complaints.Contracts.Events;
using Complaints.Resolution.Queue;
using Complaints.Tests.Infrastructure;

namespace Complaints.Tests.Integration;

/// <summary>
/// What RabbitMQ routes to the read models' queues, as the running services declared them: each
/// takes what it reads and nothing more (the relay publishes one by one only what some queue takes).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class QueueBindingTests(PlatformFixture platform)
{
    private static string Exchange(Type message) => $"{message.Namespace}:{message.Name}";

    [Fact]
    public async Task The_case_file_queue_is_bound_to_the_events_a_case_file_follows_alone()
    {
        var sources = await platform.QueueSourcesAsync("resolution-track-case-file");

        Assert.Equal(TrackCaseFile.Follows.Select(Exchange).Order(), sources.Order());
    }

    [Fact]
    public async Task Follow_ups_facts_queue_takes_the_relays_notices_alone()
    {
        var sources = await platform.QueueSourcesAsync("followup-refresh-changed-facts");

        Assert.Equal([Exchange(typeof(ComplaintsChanged))], sources);
    }
}
