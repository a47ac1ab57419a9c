using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using MassTransit;

namespace Complaints.Followup.Facts;

/// <summary>
/// Every event of a complaint, from any service, refreshes its facts: taken in batches, so that a
/// complaint's events arriving together, and many complaints' events, cost one read and one write.
/// </summary>
public sealed class RefreshComplaintFacts(FactsStore facts) : IConsumer<Batch<IComplaintEvent>>
{
    public Task Consume(ConsumeContext<Batch<IComplaintEvent>> context) =>
        facts.RefreshAsync(context.Message.Select(m => (m.Message.ComplaintId, m.StreamVersion())), context.CancellationToken);
}
