using Complaints.Followup.Kpis;
using Complaints.ServiceDefaults;
using Marten;
using Npgsql;
using Complaints.Domain.ServiceLevels;
using Microsoft.Extensions.Options;

namespace Complaints.Followup.Facts;

/// <summary>Folds a complaint's stream into its facts, and rebuilds every complaint's facts from scratch.</summary>
public sealed class FactsStore(IDocumentStore store, NpgsqlDataSource database, IOptions<SlaOptions> sla, ILogger<FactsStore> logger)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(sla.Value.TimeZone);

    /// <summary>
    /// Re-folds the changed complaints, each given the highest stream version it was announced at
    /// (the relay's notices always say). Facts already folded past that version include the events
    /// (a complaint's events arrive together, so most need no work); the others are folded again from
    /// their whole streams, read in one query, and written in one transaction.
    /// </summary>
    public async Task RefreshAsync(IReadOnlyDictionary<Guid, long> wanted, CancellationToken cancellationToken)
    {
        foreach (var chunk in wanted.Chunk(ComplaintNotices.PerTransaction))
        {
            await using var session = store.LightweightSession();
            var stored = (await session.LoadManyAsync<ComplaintFacts>(cancellationToken, chunk.Select(w => w.Key))).ToDictionary(f => f.Id);
            var stale = chunk.Where(w => !(stored.TryGetValue(w.Key, out var facts) && facts.Version >= w.Value))
                .Select(w => w.Key).ToArray();
            if (stale.Length == 0) continue;
            await FoldAsync(session, stale, stored, cancellationToken);
            await session.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Deletes every complaint's facts and folds them again from the event store; returns how many complaints and events were folded.</summary>
    public async Task<(int Complaints, long Events)> RebuildAllAsync(CancellationToken cancellationToken, int? parallelBatches = null)
    {
        await using (var session = store.LightweightSession())
        {
            session.DeleteWhere<ComplaintFacts>(_ => true);
            KpiFactsTable.DeleteAll(session);
            await session.SaveChangesAsync(cancellationToken);
        }
        var ids = new List<Guid>();
        await using (var command = database.CreateCommand($"select id from {ComplaintsSettings.EventStoreSchema}.mt_streams"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetGuid(0));

        var rebuilt = 0;
        long events = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var reported = TimeSpan.Zero;
        // Batches are independent: one per core keeps both the fold (here) and PostgreSQL busy.
        await Parallel.ForEachAsync(ids.Chunk(ComplaintNotices.PerTransaction), new ParallelOptions { MaxDegreeOfParallelism = parallelBatches ?? Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (batch, token) =>
            {
                // The live refresh keeps running meanwhile: when it wrote (or first inserted) one of the
                // batch's facts first, the batch is folded again on top of what is there.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var (complaints, folded) = await RebuildBatchAsync(batch, token);
                        Interlocked.Add(ref rebuilt, complaints);
                        Interlocked.Add(ref events, folded);
                        break;
                    }
                    catch (Exception ex) when (LiveRefreshWroteFirst(ex) && attempt < 5)
                    {
                        logger.LogDebug("A live refresh wrote facts of the batch first; folding it again");
                    }
                }
                lock (started)
                {
                    if (started.Elapsed - reported < TimeSpan.FromSeconds(15)) return;
                    reported = started.Elapsed;
                }
                var done = Interlocked.Read(ref events);
                logger.LogInformation("Rebuilding facts: {Complaints} of {Total} complaints, {Events} events, {Rate:0} events/s",
                    Volatile.Read(ref rebuilt), ids.Count, done, done / started.Elapsed.TotalSeconds);
            });
        logger.LogInformation("Rebuilt the facts of {Count} complaints ({Events} events) from the event store", rebuilt, events);
        return (rebuilt, events);
    }

    /// <summary>
    /// The live refresh wrote or first inserted facts of the batch: Marten reports several such
    /// rows of one batch together, as an <see cref="AggregateException"/> of them.
    /// </summary>
    private static bool LiveRefreshWroteFirst(Exception ex) => ex is AggregateException all
        ? all.InnerExceptions.Count > 0 && all.InnerExceptions.All(LiveRefreshWroteFirst)
        : ConcurrencyConflicts.Is(ex) || ex is JasperFx.DocumentAlreadyExistsException;

    private async Task<(int Complaints, long Events)> RebuildBatchAsync(Guid[] batch, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var existing = (await session.LoadManyAsync<ComplaintFacts>(cancellationToken, batch)).ToDictionary(f => f.Id);
        var result = await FoldAsync(session, batch, existing, cancellationToken);
        await session.SaveChangesAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Folds the complaints' streams (read in one query rather than one per stream) into their facts
    /// and KPI rows, in the session; facts stored at the same or a newer version are left alone.
    /// </summary>
    private async Task<(int Complaints, long Events)> FoldAsync(IDocumentSession session, Guid[] ids, IReadOnlyDictionary<Guid, ComplaintFacts> existing,
        CancellationToken cancellationToken)
    {
        var streams = (await session.Events.QueryAllRawEvents().Where(e => e.StreamId.IsOneOf(ids)).ToListAsync(cancellationToken))
            .ToLookup(e => e.StreamId);
        var folded = 0;
        long read = 0;
        foreach (var id in ids)
        {
            var events = streams[id].OrderBy(e => e.Version).ToList();
            read += events.Count;
            if (ComplaintFacts.Fold(id, events.Select(e => (e.Version, e.Data))) is not { } facts) continue;
            folded++;
            if (!existing.TryGetValue(id, out var stored)) session.Insert(facts);
            else if (stored.Version < facts.Version) session.Update(facts);
            else continue;
            KpiFactsTable.Upsert(session, facts, zone);
        }
        return (folded, read);
    }
}
