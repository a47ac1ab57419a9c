using Complaints.Contracts.Events;
using Complaints.Resolution.Notices;
using Complaints.Resolution.Queue;
using Complaints.ServiceDefaults;
using MassTransit;

namespace Complaints.Resolution;

/// <summary>
/// Resolution's one queue of the relay's <see cref="ComplaintsChanged"/> notices, in batches: each
/// batch folds the changed complaints' case files and tells customers of moved resolution dates.
/// One queue, not one per view, so a page costs resolution one delivery.
/// </summary>
public sealed class TakeChangeNotices(RefreshChangedCaseFiles caseFiles, NotifyNewResolutionDates newDates) : IConsumer<Batch<ComplaintsChanged>>
{
    public Task Consume(ConsumeContext<Batch<ComplaintsChanged>> notices) =>
        notices.TakeAllAsync(caseFiles.TakeAsync, newDates.TakeAsync);
}
