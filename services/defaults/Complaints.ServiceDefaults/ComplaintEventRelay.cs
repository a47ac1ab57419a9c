using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Microsoft.Extensions.Logging;
using Complaints.Contracts.Events;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Publishes committed complaint events to RabbitMQ: each page as one <see cref="ComplaintsChanged"/>
/// notice, and one by one the event types some service consumes (<see cref="RelayedEvents.OneByOne"/>).
/// It is a Marten subscription, so it only ever sees events that are committed, and its position advances only after a page has
/// been published: no dual write, at-least-once delivery. While the broker is unreachable it
/// keeps retrying the same event, so nothing filed during an outage is lost.
/// An event's message id is its Marten event id, which consumers may use to deduplicate.
/// </summary>
public sealed class ComplaintEventRelay : SubscriptionBase
{
    private readonly IBus bus;
    private readonly RelayFence fence;
    private readonly ILogger<ComplaintEventRelay> logger;

    public const string SubscriptionName = "complaint-event-relay";
    public const string StreamVersionHeader = "Complaints-Stream-Version";

    /// <summary>Header with the correlation id of the request that started the chain of reactions, so consumers keep it on what they append.</summary>
    public const string CorrelationHeader = "Complaints-Correlation-Id";

    public static long StreamVersionOf(ConsumeContext context) => context.Headers.Get<long>(StreamVersionHeader) ?? 0;

    private static readonly System.Diagnostics.Metrics.Counter<long> FailedPublishes = RelayMonitor.Meter.CreateCounter<long>(
        "complaints.relay.failed_publishes", "{attempt}", "Publishes the broker did not confirm (unreachable, refused, returned unrouted); each is retried");
    private long failedAttempts;

    /// <summary>Publishes the broker did not confirm since this relay started (each is retried).</summary>
    public long FailedAttempts => Interlocked.Read(ref failedAttempts);

    public ComplaintEventRelay(IBus bus, RelayFence fence, ILogger<ComplaintEventRelay> logger)
    {
        this.bus = bus;
        this.fence = fence;
        this.logger = logger;
        Name = SubscriptionName;
    }

    private static readonly HashSet<Type> ComplaintEvents = [.. ComplaintStreamEvents.All];
    private const int PublishConcurrency = 64;
    /// <summary>Links a notice's span carries at most (OpenTelemetry's default limit per span).</summary>
    private const int MaxLinks = 128;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(15);

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        // Only the complaint stream's own events are the integration contract; Marten's
        // bookkeeping events (tombstones of failed transactions) stay inside the store.
        // The page goes out as one ComplaintsChanged notice plus, one by one, the events some service
        // consumes (RelayedEvents.OneByOne); the rest are only in the notice.
        // A page is published concurrently (one broker confirm at a time would cap throughput);
        // the subscription only moves past the page once every message of it is confirmed.
        // Consumers therefore must not rely on the order of different events, and do not.
        // Only the holder of the relay lock publishes (RelayFence); a second relay stops here.
        await fence.EnsureHeldAsync(cancellationToken);
        var events = page.Events.Where(e => ComplaintEvents.Contains(e.EventType)).ToList();
        if (events.Count == 0) return NullChangeListener.Instance;
        var notice = Notice(events);
        await Task.WhenAll(
            Parallel.ForEachAsync(
                events.Where(e => RelayedEvents.OneByOne.Contains(e.EventType)),
                new ParallelOptions { MaxDegreeOfParallelism = PublishConcurrency, CancellationToken = cancellationToken },
                async (@event, token) => await PublishUntilAcceptedAsync(@event, token)),
            PublishNoticeUntilAcceptedAsync(notice, events, page, cancellationToken));
        foreach (var @event in events) ComplaintMetrics.Record(@event.Data);
        return NullChangeListener.Instance;
    }

    /// <summary>Each complaint of the page once: its last version in the page and the page's event types for it, in order.</summary>
    public static ComplaintsChanged Notice(IEnumerable<IEvent> events) =>
        new([.. events.GroupBy(e => e.StreamId).Select(stream => new ComplaintChange(
            stream.Key, stream.Max(e => e.Version), [.. stream.OrderBy(e => e.Version).Select(e => e.EventType.Name).Distinct()]))]);

    private async Task PublishNoticeUntilAcceptedAsync(ComplaintsChanged notice, IReadOnlyList<IEvent> events, EventRange page, CancellationToken cancellationToken)
    {
        // One notice announces many requests' events: its span links to the trace each was appended
        // in, so ops can go from a complaint's trace to the notice and the readers it reached.
        var announced = events.Select(ComplaintsTelemetry.StoredTraceContext).Where(c => c != default).DistinctBy(c => c.TraceId)
            .Take(MaxLinks).Select(c => new ActivityLink(c)).ToList();
        using var activity = ComplaintsTelemetry.Source.StartActivity("relay ComplaintsChanged", ActivityKind.Internal, parentContext: default, links: announced);
        activity?.SetTag("complaints.complaints", notice.Changes.Count);
        // The id comes from the page's sequence range, so a page published again whole is recognisably the
        // same notice (a takeover may cut pages differently: readers refold, so a repeat costs only a look).
        var id = NoticeId(page.SequenceFloor, page.SequenceCeiling);
        await PublishUntilAcceptedAsync(notice, typeof(ComplaintsChanged), context => context.MessageId = id, activity,
            (ex, attempt, backoff) => logger.Log(attempt < 10 ? LogLevel.Warning : LogLevel.Error, ex,
                "Relay of the notice of events {Floor}-{Ceiling} failed on attempt {Attempt}; retrying in {Backoff}", page.SequenceFloor, page.SequenceCeiling, attempt, backoff),
            cancellationToken);
    }

    private static Guid NoticeId(long floor, long ceiling)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, floor);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes[8..], ceiling);
        return new Guid(bytes);
    }

    private async Task PublishUntilAcceptedAsync(IEvent @event, CancellationToken cancellationToken)
    {
        using var activity = StartRelayActivity(@event);
        await PublishUntilAcceptedAsync(@event.Data, @event.EventType, context =>
        {
            context.MessageId = @event.Id;
            context.CorrelationId = @event.StreamId;
            context.Headers.Set(StreamVersionHeader, @event.Version);
            if (!string.IsNullOrEmpty(@event.CorrelationId)) context.Headers.Set(CorrelationHeader, @event.CorrelationId);
        }, activity,
            (ex, attempt, backoff) => logger.Log(attempt < 10 ? LogLevel.Warning : LogLevel.Error, ex,
                "Relay of {EventType} {EventId} (stream {StreamId} v{Version}) failed on attempt {Attempt}; retrying in {Backoff}",
                @event.EventTypeName, @event.Id, @event.StreamId, @event.Version, attempt, backoff),
            cancellationToken);
    }

    private async Task PublishUntilAcceptedAsync(object message, Type messageType, Action<PublishContext> identify, Activity? activity,
        Action<Exception, int, TimeSpan> logFailure, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attemptTimeout.CancelAfter(AttemptTimeout);
                await bus.Publish(message, messageType, context =>
                {
                    // Mandatory: a message no queue is bound for yet (a consumer not yet deployed) comes
                    // back as returned, and is retried, instead of being confirmed into the void.
                    if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit)) rabbit.Mandatory = true;
                    identify(context);
                }, attemptTimeout.Token);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Never skipped: a broker that stays down, or an event it refuses (too large), stops the
                // relay here, logged at every attempt, and RelayMonitor's lag and health alert on it.
                logFailure(ex, attempt, backoff);
                activity?.AddEvent(new ActivityEvent("publish-retry"));
                Interlocked.Increment(ref failedAttempts);
                FailedPublishes.Add(1);
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    private static Activity? StartRelayActivity(IEvent @event)
    {
        // Continue the trace of the request that appended the event, so one trace spans
        // gRPC -> PostgreSQL -> RabbitMQ -> consumer even though the relay runs later, elsewhere.
        var activity = ComplaintsTelemetry.Source.StartActivity($"relay {@event.EventTypeName}", ActivityKind.Internal,
            ComplaintsTelemetry.StoredTraceContext(@event));
        activity?.SetTag("complaints.stream_id", @event.StreamId);
        activity?.SetTag("complaints.stream_version", @event.Version);
        activity?.SetTag("complaints.event_type", @event.EventTypeName);
        return activity;
    }
}

public static class ComplaintEventMessages
{
    /// <summary>The position in its complaint's stream of the event this message carries (0 when the relay did not say).</summary>
    public static long StreamVersion(this ConsumeContext context) => ComplaintEventRelay.StreamVersionOf(context);
}
