using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using MassTransit;

namespace Complaints.Followup.Facts;

/// <summary>
/// Every change to a complaint, from any service, refreshes its facts. The relay announces a page
/// of committed events as one <see cref="ComplaintsChanged"/>, and the facts refold from the store
/// anyway, so follow-up takes one message per page rather than every event; the notices are taken in
/// batches too, so that many pages cost one read and one write. (Its queue is new: the queue of the
/// consumer it replaced, <c>followup-refresh-complaint-facts</c>, took every event; docs/operations.md.)
/// </summary>
public sealed class RefreshChangedFacts(FactsStore facts) : IConsumer<Batch<ComplaintsChanged>>
{
    public Task Consume(ConsumeContext<Batch<ComplaintsChanged>> context) =>
        facts.RefreshAsync(context.Message.LatestVersions(), context.CancellationToken);
}
