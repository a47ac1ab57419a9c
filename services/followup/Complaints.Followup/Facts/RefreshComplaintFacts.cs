using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using MassTransit;

namespace Complaints.Followup.Facts;

/// <summary>Every event of a complaint, from any service, refreshes its facts.</summary>
public sealed class RefreshComplaintFacts(FactsStore facts) : IConsumer<IComplaintEvent>
{
    public Task Consume(ConsumeContext<IComplaintEvent> context) =>
        facts.RefreshAsync(context.Message.ComplaintId, context.StreamVersion(), context.CancellationToken);
}
