using Complaints.Contracts.Events;
using Complaints.Followup.Facts;
using Complaints.Domain.ComplaintStream;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.ComplaintStreams;
using Marten;
using MassTransit;

namespace Complaints.Followup.SecondComplaints;

/// <summary>
/// A new complaint by the same customer on the same subject after an earlier one was closed is a
/// second complaint: it is linked to the first, and counts in the second-complaint rate.
/// </summary>
public sealed class LinkSecondComplaint(IQuerySession session, ComplaintWriter writer) : IConsumer<ComplaintFiled>
{
    public async Task Consume(ConsumeContext<ComplaintFiled> context)
    {
        var filed = context.Message;
        var cancellationToken = context.CancellationToken;
        if (filed.SubjectKey.Length == 0) return;

        // Most complaints have no earlier one on the subject: their stream is not even read.
        if (await FirstClosedAsync(session, filed, cancellationToken) is not { } first) return;
        await writer.ExecuteAsync(filed.ComplaintId, Actor.System("followup.second-complaints"),
            (life, now) => Decide(life, first, now), new WriteOptions { ReactingTo = context }, cancellationToken);
    }

    /// <summary>Linked once, to the latest earlier complaint on the subject closed before this one was filed.</summary>
    public static IReadOnlyList<object> Decide(ComplaintLife life, Guid? firstComplaintId, DateTimeOffset now) =>
        firstComplaintId is { } first && life.SecondComplaintOf is null ? [new SecondComplaintLinked(life.Id, first, now)] : [];

    /// <summary>
    /// Earlier complaints on the subject (rare); their closure is read from their streams, not from
    /// the facts, which may not have caught up with a closure a moment ago.
    /// </summary>
    private static async Task<Guid?> FirstClosedAsync(IQuerySession session, ComplaintFiled filed, CancellationToken cancellationToken)
    {
        var candidates = await session.QueryAsync(new EarlierOnSubject
        {
            CustomerId = filed.CustomerId, SubjectKey = filed.SubjectKey, ComplaintId = filed.ComplaintId, FiledAt = filed.FiledAt,
        }, cancellationToken);
        ComplaintFacts? first = null;
        foreach (var candidate in candidates)
        {
            var events = await session.Events.FetchStreamAsync(candidate, token: cancellationToken);
            var facts = ComplaintFacts.Fold(candidate, events.Select(e => (e.Version, e.Data)));
            if (facts?.ClosedAt is { } closedAt && closedAt <= filed.FiledAt && (first is null || closedAt > first.ClosedAt)) first = facts;
        }
        return first?.Id;
    }
}

/// <summary>
/// The customer's other complaints on the same subject filed before this one, as a compiled query:
/// every filing asks it, and Marten then translates its LINQ once per process instead of once per call.
/// </summary>
public sealed class EarlierOnSubject : Marten.Linq.ICompiledListQuery<ComplaintFacts, Guid>
{
    public string CustomerId { get; set; } = "";
    public string SubjectKey { get; set; } = "";
    public Guid ComplaintId { get; set; }
    public DateTimeOffset FiledAt { get; set; }

    public System.Linq.Expressions.Expression<Func<Marten.Linq.IMartenQueryable<ComplaintFacts>, IEnumerable<Guid>>> QueryIs() =>
        facts => facts.Where(f => f.CustomerId == CustomerId && f.SubjectKey == SubjectKey && f.Id != ComplaintId && f.FiledAt <= FiledAt)
            .Select(f => f.Id);
}
