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
        if (filed.SubjectKey.Length == 0) return;
        // Most complaints have no closed predecessor: look for one before reading the stream.
        var first = await session.Query<ComplaintFacts>()
            .Where(f => f.CustomerId == filed.CustomerId && f.SubjectKey == filed.SubjectKey && f.ClosedAt != null && f.Id != filed.ComplaintId)
            .OrderByDescending(f => f.ClosedAt)
            .FirstOrDefaultAsync(context.CancellationToken);
        if (first is null || first.ClosedAt > filed.FiledAt) return;

        var history = await session.Events.FetchStreamAsync(filed.ComplaintId, token: context.CancellationToken);
        if (history.Any(e => e.Data is SecondComplaintLinked)) return;

        session.StampTraceContext();
        session.Events.Append(filed.ComplaintId, history[^1].Version + 1, new SecondComplaintLinked(filed.ComplaintId, first.Id, clock.GetUtcNow()));
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
