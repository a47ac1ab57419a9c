using Complaints.Contracts.Events;
using Complaints.Tests.Infrastructure;

namespace Complaints.Tests.Integration;

/// <summary>
/// What RabbitMQ routes to the queues of routing's new complaints and of the read models, as the running services declared them: each
/// takes what it reads and nothing more: the relay's notices, not the events one by one (the relay
/// publishes one by one only what some queue takes).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class QueueBindingTests(PlatformFixture platform)
{
    private static string Exchange(Type message) => $"{message.Namespace}:{message.Name}";

    [Theory]
    [InlineData("routing-route-filed-complaints")]
    [InlineData("followup-take-change-notices")]
    [InlineData("resolution-take-change-notices")]
    public async Task The_views_of_whole_complaints_take_the_relays_notices_alone(string queue)
    {
        var sources = await platform.QueueSourcesAsync(queue);

        Assert.Equal([Exchange(typeof(ComplaintsChanged))], sources);
    }
}
