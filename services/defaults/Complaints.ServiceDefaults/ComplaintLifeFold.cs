using Complaints.Domain.ComplaintStream;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Marten's live aggregation of a complaint with the one fold, <see cref="ComplaintLife"/>: what
/// <c>AggregateStreamAsync&lt;ComplaintLife&gt;</c> runs, also up to a version or an instant. Explicit
/// rather than by convention, because the domain assembly (which holds the fold, so every
/// service shares it) knows nothing of Marten.
/// </summary>
public sealed class ComplaintLifeFold : SingleStreamProjection<ComplaintLife, Guid>
{
    public override ComplaintLife Evolve(ComplaintLife? snapshot, Guid id, IEvent e)
    {
        var life = snapshot ?? new ComplaintLife { Id = id };
        life.Evolve(e.Version, e.Data);
        return life;
    }
}
