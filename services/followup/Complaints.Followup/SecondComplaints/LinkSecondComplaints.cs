using Complaints.Contracts.Events;
using Complaints.Followup.Facts;
using Complaints.Domain.ComplaintStream;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.ComplaintStreams;
using Marten;
using Marten.Events;
using MassTransit;

namespace Complaints.Followup.SecondComplaints;

/// <summary>
/// A new complaint by the same customer on the same subject after an earlier one was closed is a
/// second complaint: it is linked to the first, and counts in the second-complaint rate. Follow-up
/// learns of new complaints from the relay's notices (a page whose events for a complaint include
/// <see cref="ComplaintFiled"/>), taken in batches (<see cref="TakeChangeNotices"/>): one read of the batch's filings and one round
/// trip for their earlier complaints on the subject, instead of a delivery and a query per filing.
/// A redelivered notice decides again on the stream, which records the link once.
/// </summary>
public sealed class LinkSecondComplaints(IDocumentStore store, ComplaintWriter writer)
{
    public async Task TakeAsync(Batch<ComplaintsChanged> notices, CancellationToken cancellationToken)
    {
        var filedIds = notices.LatestVersions(change => change.EventTypes.Contains(nameof(ComplaintFiled))).Keys;
        if (filedIds.Count == 0) return;

        await using var session = store.QuerySession();
        foreach (var chunk in filedIds.Chunk(ComplaintNotices.PerTransaction))
        {
            var filings = (await session.Events.QueryAllRawEvents()
                    .Where(e => e.StreamId.IsOneOf(chunk) && e.EventTypesAre(typeof(ComplaintFiled)))
                    .ToListAsync(cancellationToken))
                .Where(e => ((ComplaintFiled)e.Data).SubjectKey.Length > 0)
                .ToList();
            if (filings.Count == 0) continue;
            var queries = session.CreateBatchQuery();
            var earlier = filings.Select(e => (Filing: e, Candidates: queries.Query(EarlierOnSubject.Of((ComplaintFiled)e.Data)))).ToList();
            await queries.Execute(cancellationToken);

            // Most complaints have no earlier one on the subject: their stream is not even read.
            foreach (var (filing, candidates) in earlier)
            {
                var filed = (ComplaintFiled)filing.Data;
                if (await FirstClosedAsync(session, filed, await candidates, cancellationToken) is not { } first) continue;
                // Stamped as a reaction to the filing itself (its id, its correlation), as a delivered event would be.
                await writer.ExecuteAsync(filed.ComplaintId, Actor.System("followup.second-complaints"),
                    (life, now) => Decide(life, first, now), new WriteOptions { CausedBy = filing }, cancellationToken);
            }
        }
    }

    /// <summary>Linked once, to the latest earlier complaint on the subject closed before this one was filed.</summary>
    public static IReadOnlyList<object> Decide(ComplaintLife life, Guid? firstComplaintId, DateTimeOffset now) =>
        firstComplaintId is { } first && life.SecondComplaintOf is null ? [new SecondComplaintLinked(life.Id, first, now)] : [];

    /// <summary>
    /// The latest of the earlier complaints on the subject (rare) closed before this one was filed;
    /// their closure is read from their streams, not from the facts, which may not have caught up
    /// with a closure a moment ago.
    /// </summary>
    private static async Task<Guid?> FirstClosedAsync(IQuerySession session, ComplaintFiled filed, IEnumerable<Guid> candidates,
        CancellationToken cancellationToken)
    {
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
/// every filing asks it (batched), and Marten then translates its LINQ once per process instead of once per call.
/// </summary>
public sealed class EarlierOnSubject : Marten.Linq.ICompiledListQuery<ComplaintFacts, Guid>
{
    public string CustomerId { get; set; } = "";
    public string SubjectKey { get; set; } = "";
    public Guid ComplaintId { get; set; }
    public DateTimeOffset FiledAt { get; set; }

    public static EarlierOnSubject Of(ComplaintFiled filed) => new()
    {
        CustomerId = filed.CustomerId, SubjectKey = filed.SubjectKey, ComplaintId = filed.ComplaintId, FiledAt = filed.FiledAt,
    };

    public System.Linq.Expressions.Expression<Func<Marten.Linq.IMartenQueryable<ComplaintFacts>, IEnumerable<Guid>>> QueryIs() =>
        facts => facts.Where(f => f.CustomerId == CustomerId && f.SubjectKey == SubjectKey && f.Id != ComplaintId && f.FiledAt <= FiledAt)
            .Select(f => f.Id);
}
