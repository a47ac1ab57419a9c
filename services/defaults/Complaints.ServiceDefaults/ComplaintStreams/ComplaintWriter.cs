using Complaints.Domain.ComplaintStream;
using Complaints.Domain.Rules;
using System.Diagnostics;
using Marten;

namespace Complaints.ServiceDefaults.ComplaintStreams;

/// <summary>Who a change is recorded as: the proven caller (token subject and role), or a component of the platform.</summary>
public sealed record Actor(string Subject, string Role)
{
    public static Actor System(string component) => new(component, "system");
}

/// <summary>What was appended, and the stream's version after it.</summary>
public sealed record Written(long Version, IReadOnlyList<object> Events);

/// <summary>A complaint's stream as read for a decision: its fold and its stored events.</summary>
public sealed record StreamRead(ComplaintLife Life, IReadOnlyList<JasperFx.Events.IEvent> History);

/// <summary>What a change of many complaints wrote for each, and the complaints whose decision failed (nothing written for them).</summary>
public sealed record ManyWritten(IReadOnlyDictionary<Guid, Written> Written, IReadOnlyDictionary<Guid, Exception> Failed);

/// <summary>How a change is written besides its decision.</summary>
public sealed record WriteOptions
{
    /// <summary>The version the caller read and acted on; when the stream moved on since, nothing is written (Aborted: reload). 0: the latest.</summary>
    public long ExpectedVersion { get; init; }

    /// <summary>The relayed event this change reacts to (causation and correlation ids), for consumers.</summary>
    public MassTransit.ConsumeContext? ReactingTo { get; init; }

    /// <summary>
    /// The stored event this change reacts to, when it was read from the store rather than delivered
    /// (a reaction to the relay's notice): its id and correlation id are stamped as <see cref="ReactingTo"/>'s would be.
    /// </summary>
    public JasperFx.Events.IEvent? CausedBy { get; init; }

    /// <summary>
    /// Documents a service keeps beside the stream and changes in the same transaction as the
    /// events (routing's open case and agents' loads), given the state read and the events decided.
    /// </summary>
    public Action<IDocumentSession, ComplaintLife, IReadOnlyList<object>>? AlsoStore { get; init; }

    /// <summary>
    /// Asked after a decision that appends nothing: whether <see cref="AlsoStore"/> still has a
    /// change to save (a promise found kept leaves routing's clocks without a new fact). Null: no.
    /// </summary>
    public Func<bool>? StoreWithoutEvents { get; init; }

    /// <summary>
    /// Reads the decision needs besides the stream (a customer's data key), queued to be made in
    /// the same round trip as the stream's; called on every attempt, before the load step.
    /// </summary>
    public Action<Marten.Services.BatchQuerying.IBatchedQuery>? ReadAlongside { get; init; }
}

/// <summary>
/// The one way a complaint's stream changes: load the complaint at a version, let a pure decision
/// choose the events (or refuse with a <see cref="Rejection"/>), append them at that version with
/// who did it, the trace and the causing event stamped on each, and retry a lost race one way: decided
/// again on the fresh stream, unless the caller named the version it acted on.
/// </summary>
public sealed class ComplaintWriter(IDocumentStore store, TimeProvider clock)
{
    /// <summary>How many times a change is decided again when another writer appended first.</summary>
    public const int Attempts = 5;

    public Task<Written> ExecuteAsync(
        Guid complaintId, Actor actor, Func<ComplaintLife, DateTimeOffset, IReadOnlyList<object>> decide,
        WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(complaintId, actor, static (_, _, _) => Task.FromResult(0), (state, _, now) => decide(state, now), options, cancellationToken);

    /// <summary>
    /// As above, with what the decision needs besides the stream (the agents' loads) read first by
    /// <paramref name="load"/> in the same session (or with the stream: <see cref="WriteOptions.ReadAlongside"/>).
    /// </summary>
    public async Task<Written> ExecuteAsync<TContext>(
        Guid complaintId, Actor actor,
        Func<ComplaintLife, IDocumentSession, CancellationToken, Task<TContext>> load,
        Func<ComplaintLife, TContext, DateTimeOffset, IReadOnlyList<object>> decide,
        WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WriteOptions();
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            IReadOnlyList<JasperFx.Events.IEvent> history;
            if (options.ReadAlongside is { } alongside)
            {
                var reads = session.CreateBatchQuery();
                var stream = reads.Events.FetchStream(complaintId);
                alongside(reads);
                await reads.Execute(cancellationToken);
                history = await stream;
            }
            else history = await session.Events.FetchStreamAsync(complaintId, token: cancellationToken);
            var state = ComplaintLife.Fold(complaintId, history.Select(e => (e.Version, e.Data)))
                ?? throw Rejection.NotFound($"No complaint with id {complaintId}");
            // The load step first: it may refuse (who may act is checked there), so a refused caller learns nothing of the version.
            var context = await load(state, session, cancellationToken);
            if (options.ExpectedVersion > 0 && options.ExpectedVersion != state.Version) throw Moved(options.ExpectedVersion, state.Version);
            var events = decide(state, context, clock.GetUtcNow());
            if (events.Count == 0)
            {
                if (options.AlsoStore is null || options.StoreWithoutEvents?.Invoke() != true) return new Written(state.Version, events);
                options.AlsoStore(session, state, events);
                await session.SaveChangesAsync(cancellationToken);
                return new Written(state.Version, events);
            }

            Stamp(session, actor, options);
            session.Events.Append(complaintId, state.Version + events.Count, [.. events]);
            options.AlsoStore?.Invoke(session, state, events);
            try
            {
                await session.SaveChangesAsync(cancellationToken);
                return new Written(state.Version + events.Count, events);
            }
            catch (Exception ex) when (ConcurrencyConflicts.Is(ex) && attempt < Attempts)
            {
                if (options.ExpectedVersion > 0) throw Moved(options.ExpectedVersion, null);
            }
        }
    }

    /// <summary>
    /// Reactions of the platform to stored events of many complaints, in one session and one
    /// transaction (routing a batch of new filings): the streams read in one round trip, the
    /// <paramref name="load"/> step given them all (it takes the locks and reads what the decisions
    /// need, once), then each complaint decided on its own. Each complaint's events are stamped as
    /// caused by the stored event <paramref name="causedBy"/> picks from its history (its id and
    /// correlation id), in a span of that event's trace, as a delivered event's reaction would be.
    /// A complaint whose decision throws is left out and reported, the others are written; the
    /// caller fails its message afterwards so the failed ones are retried. A lost race (another
    /// writer appended to one of them) reads and decides them all again.
    /// </summary>
    public async Task<ManyWritten> ExecuteManyAsync<TContext>(
        IReadOnlyCollection<Guid> complaintIds, Actor actor,
        Func<IReadOnlyList<StreamRead>, IDocumentSession, CancellationToken, Task<TContext>> load,
        Func<ComplaintLife, TContext, DateTimeOffset, IReadOnlyList<object>> decide,
        Func<IReadOnlyList<JasperFx.Events.IEvent>, JasperFx.Events.IEvent> causedBy,
        Action<IDocumentSession, TContext>? alsoStore = null,
        CancellationToken cancellationToken = default)
    {
        // The batch's own span holds its database work; each complaint's decision is a span of its
        // cause's trace, linked to this one, so ops following a complaint find where it was written.
        using var batchSpan = ComplaintsTelemetry.Source.StartActivity($"{actor.Subject} writes {complaintIds.Count} complaint(s)");
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var reads = session.CreateBatchQuery();
            var streams = complaintIds.Select(id => (Id: id, Events: reads.Events.FetchStream(id))).ToList();
            await reads.Execute(cancellationToken);
            var read = new List<StreamRead>(streams.Count);
            foreach (var (id, events) in streams)
            {
                var history = await events;
                if (ComplaintLife.Fold(id, history.Select(e => (e.Version, e.Data))) is { } life) read.Add(new StreamRead(life, history));
            }

            var context = await load(read, session, cancellationToken);
            var now = clock.GetUtcNow();
            var written = new Dictionary<Guid, Written>();
            var failed = new Dictionary<Guid, Exception>();
            session.StampActor(actor.Subject, actor.Role);
            foreach (var (state, history) in read)
            {
                var cause = causedBy(history);
                using var span = ComplaintsTelemetry.Source.StartActivity($"{actor.Subject} decides", System.Diagnostics.ActivityKind.Internal,
                    ComplaintsTelemetry.StoredTraceContext(cause), links: batchSpan is null ? null : [new ActivityLink(batchSpan.Context)]);
                span?.SetTag("complaints.stream_id", state.Id);
                IReadOnlyList<object> events;
                try
                {
                    events = decide(state, context, now);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    span?.SetStatus(ActivityStatusCode.Error, ex.Message);
                    failed[state.Id] = ex;
                    continue;
                }
                written[state.Id] = new Written(state.Version + events.Count, events);
                if (events.Count == 0) continue;
                var appended = session.Events.Append(state.Id, state.Version + events.Count, [.. events]);
                foreach (var e in appended.Events) e.StampCause(cause, span);
            }
            if (written.Values.All(w => w.Events.Count == 0)) return new ManyWritten(written, failed);

            alsoStore?.Invoke(session, context);
            try
            {
                await session.SaveChangesAsync(cancellationToken);
                return new ManyWritten(written, failed);
            }
            catch (Exception ex) when (ConcurrencyConflicts.Is(ex) && attempt < Attempts)
            {
            }
        }
    }

    /// <summary>
    /// Starts a complaint's stream with its filing, in the caller's transaction: intake stores the
    /// customer's data key, the filing receipt and the customer's record with it, all or nothing.
    /// </summary>
    public static void Start(IDocumentSession session, Actor actor, Contracts.Events.ComplaintFiled filed)
    {
        Stamp(session, actor, null);
        session.Events.StartStream(filed.ComplaintId, filed);
    }

    /// <summary>
    /// Appends events decided on complaints read at their versions, in the caller's transaction:
    /// an erasure records itself on every complaint of the customer with the key's destruction, at
    /// once, and fails whole (nothing erased) when any of them moved since it was read.
    /// </summary>
    public static void AppendDecided(IDocumentSession session, Actor actor, IEnumerable<(ComplaintLife Read, IReadOnlyList<object> Events)> decided)
    {
        Stamp(session, actor, null);
        foreach (var (read, events) in decided)
            if (events.Count > 0) session.Events.Append(read.Id, read.Version + events.Count, [.. events]);
    }

    /// <summary>
    /// Records a fact of the platform's own bookkeeping that no rule decides and no version guards
    /// (a notice delivered to a channel system, or given up), in the caller's transaction with its record.
    /// </summary>
    public static void Record(IDocumentSession session, Actor actor, Guid complaintId, object fact)
    {
        Stamp(session, actor, null);
        session.Events.Append(complaintId, fact);
    }

    private static void Stamp(IDocumentSession session, Actor actor, WriteOptions? options)
    {
        if (options?.ReactingTo is { } reaction) session.StampReaction(reaction);
        else session.StampTraceContext();
        if (options?.CausedBy is { } cause) session.StampCause(cause);
        session.StampActor(actor.Subject, actor.Role);
    }

    private static Rejection Moved(long readVersion, long? currentVersion) => new(RejectionKind.Conflict,
        $"The complaint changed since it was read at version {readVersion}" +
        (currentVersion is { } current ? $" (it is at version {current} now)" : "") +
        "; reload it and retry: nothing was recorded");
}
