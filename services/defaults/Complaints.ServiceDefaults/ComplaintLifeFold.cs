using Complaints.Contracts.Stream;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Marten's live aggregation of a complaint with the one fold, <see cref="ComplaintLife"/>: what
/// <c>AggregateStreamAsync&lt;ComplaintLife&gt;</c> runs, also up to a version or an instant. Explicit
/// rather than by convention, because the contracts assembly (which holds the fold, so every
/// service and the CLI share it) does not run Marten's source generator.
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
