using Complaints.ServiceDefaults;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Complaints.Intake.Audit;

/// <summary>
/// Seals every committed complaint event into the hash chains, seconds after commit. A Marten
/// subscription in the single daemon instance: it sees committed events only, in sequence order,
/// and advances past a page only once its seals are stored.
/// </summary>
public sealed class EventSealer : SubscriptionBase
{
    private static readonly HashSet<Type> Sealed = [.. ComplaintStreamEvents.All];
    private readonly AuditStore audit;

    public EventSealer(AuditStore audit)
    {
        this.audit = audit;
        Name = AuditStore.SealerName;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var sequences = page.Events.Where(e => Sealed.Contains(e.EventType)).Select(e => e.Sequence).ToArray();
        if (sequences.Length > 0) await audit.SealAsync(sequences, cancellationToken);
        return NullChangeListener.Instance;
    }
}
