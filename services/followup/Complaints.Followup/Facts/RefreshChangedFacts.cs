using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using MassTransit;

namespace Complaints.Followup.Facts;

/// <summary>
/// Every change to a complaint, from any service, refreshes its facts. The relay announces a page
/// of committed events as one <see cref="ComplaintsChanged"/>, and the facts refold from the store
/// anyway, so follow-up takes one message per page rather than every event; the notices are taken in
/// batches too (<see cref="TakeChangeNotices"/>), so that many pages cost one read and one write.
/// </summary>
public sealed class RefreshChangedFacts(FactsStore facts)
{
    public Task TakeAsync(Batch<ComplaintsChanged> notices, CancellationToken cancellationToken) =>
        facts.RefreshAsync(notices.LatestVersions(), cancellationToken);
}
