using Complaints.Contracts.Events;
using Complaints.Followup.Facts;
using Complaints.Followup.SecondComplaints;
using Complaints.ServiceDefaults;
using MassTransit;

namespace Complaints.Followup;

/// <summary>
/// Follow-up's one queue of the relay's <see cref="ComplaintsChanged"/> notices, in batches: each
/// batch refreshes the changed complaints' facts and links new complaints to an earlier one on the
/// subject. One queue, not one per view, so a page costs follow-up one delivery.
/// </summary>
public sealed class TakeChangeNotices(RefreshChangedFacts facts, LinkSecondComplaints secondComplaints) : IConsumer<Batch<ComplaintsChanged>>
{
    public Task Consume(ConsumeContext<Batch<ComplaintsChanged>> notices) =>
        notices.TakeAllAsync(facts.TakeAsync, secondComplaints.TakeAsync);
}
