using Complaints.Domain.ComplaintStream;
using Complaints.Domain.Rules;
using Marten;

namespace Complaints.ServiceDefaults.ComplaintStreams;

/// <summary>Who a change is recorded as: the proven caller (token subject and role), or a component of the platform.</summary>
public sealed record Actor(string Subject, string Role)
{
    public static Actor System(string component) => new(component, "system");
}

/// <summary>What was appended, and the stream's version after it.</summary>
public sealed record Written(long Version, IReadOnlyList<object> Events);

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
