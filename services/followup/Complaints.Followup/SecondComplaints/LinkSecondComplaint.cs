using Complaints.Contracts.Events;
using Complaints.Followup.Facts;
using Complaints.ServiceDefaults;
using Marten;
using MassTransit;

namespace Complaints.Followup.SecondComplaints;

/// <summary>
/// A new complaint by the same customer on the same subject after an earlier one was closed is a
/// second complaint: it is linked to the first, and counts in the second-complaint rate.
/// </summary>
public sealed class LinkSecondComplaint(IDocumentSession session, TimeProvider clock) : IConsumer<ComplaintFiled>
{
    public async Task Consume(ConsumeContext<ComplaintFiled> context)
    {
        var filed = context.Message;
        var cancellationToken = context.CancellationToken;
        if (filed.SubjectKey.Length == 0) return;

        // Earlier complaints on the subject (rare); their closure is read from their streams, not
        // from the facts, which may not have caught up with a closure a moment ago.
        var candidates = await session.Query<ComplaintFacts>()
            .Where(f => f.CustomerId == filed.CustomerId && f.SubjectKey == filed.SubjectKey && f.Id != filed.ComplaintId && f.FiledAt <= filed.FiledAt)
            .Select(f => f.Id)
            .ToListAsync(cancellationToken);
        ComplaintFacts? first = null;
        foreach (var candidate in candidates)
        {
            var events = await session.Events.FetchStreamAsync(candidate, token: cancellationToken);
            var facts = ComplaintFacts.Fold(candidate, events.Select(e => (e.Version, e.Data)));
            if (facts?.ClosedAt is { } closedAt && closedAt <= filed.FiledAt && (first is null || closedAt > first.ClosedAt)) first = facts;
        }
        if (first is null) return;

        var history = await session.Events.FetchStreamAsync(filed.ComplaintId, token: cancellationToken);
        if (history.Any(e => e.Data is SecondComplaintLinked)) return;
        session.StampReaction(context);
        session.StampActor("followup.second-complaints", "system");
        session.Events.Append(filed.ComplaintId, history[^1].Version + 1, new SecondComplaintLinked(filed.ComplaintId, first.Id, clock.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
    }
}
