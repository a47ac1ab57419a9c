using Complaints.Contracts.Events;
using Complaints.ServiceDefaults.PersonalData;

namespace Complaints.Resolution.Cases;

public enum RemedyStatus { Proposed, PendingApproval, Approved, Refused, Accepted, Rejected }

public sealed class RemedyState
{
    public Guid Id { get; init; }
    public string Kind { get; init; } = "";
    public decimal Amount { get; init; }
    public string ProposedBy { get; init; } = "";
    public string RequiresApprovalFrom { get; init; } = "";
    public RemedyStatus Status { get; set; }
}

/// <summary>What the workflow's guards need to know about a complaint, folded from its stream.</summary>
public sealed class CaseState
{
    public Guid ComplaintId { get; private set; }
    public Guid? CustomerKeyId { get; private set; }
    public string Team { get; private set; } = "";
    public long Version { get; private set; }
    public string? AssigneeId { get; private set; }
    public string Tier { get; private set; } = "";
    public bool Complex { get; private set; }
    public bool HasFirstResponse { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    public Dictionary<Guid, RemedyState> Remedies { get; } = [];

    /// <summary>
    /// The customer's data key, set by <see cref="CaseStream"/> after the fold so that a decision
    /// seals what it records in the customer's or about the customer's words.
    /// </summary>
    public CustomerCipher Customer { get; set; } = null!;

    public string Seal(string text) => Customer.Protect(PersonalField.Text, text);

    public static CaseState From(Guid complaintId, IEnumerable<(long Version, object Data)> events)
    {
        var state = new CaseState { ComplaintId = complaintId };
        foreach (var (version, data) in events)
        {
            state.Version = version;
            state.Apply(data);
        }
        return state;
    }

    private void Apply(object @event)
    {
        switch (@event)
        {
            case ComplaintFiled filed: CustomerKeyId = filed.CustomerKeyId; break;
            case ComplaintRouted routed: Team = routed.Team; break;
            case ComplaintTriaged triaged: Complex = triaged.Complex; break;
            case ComplaintAssigned assigned: AssigneeId = assigned.AgentId; Tier = assigned.Tier; Team = assigned.Team; break;
            case ComplaintEscalated escalated: AssigneeId = escalated.AssigneeId; Tier = escalated.ToTier; break;
            case FirstResponseSent: HasFirstResponse = true; break;
            case RemedyProposed proposed:
                Remedies[proposed.RemedyId] = new RemedyState
                {
                    Id = proposed.RemedyId,
                    Kind = proposed.Kind,
                    Amount = proposed.Amount,
                    ProposedBy = proposed.ProposedBy,
                    RequiresApprovalFrom = proposed.RequiresApprovalFrom,
                    Status = proposed.RequiresApprovalFrom.Length > 0 ? RemedyStatus.PendingApproval : RemedyStatus.Proposed,
                };
                break;
            case RemedyApproved approved: Remedies[approved.RemedyId].Status = RemedyStatus.Approved; break;
            case RemedyRefused refused: Remedies[refused.RemedyId].Status = RemedyStatus.Refused; break;
            case RemedyAccepted accepted: Remedies[accepted.RemedyId].Status = RemedyStatus.Accepted; break;
            case RemedyRejected rejected: Remedies[rejected.RemedyId].Status = RemedyStatus.Rejected; break;
            case ComplaintResolved resolved: ResolvedAt = resolved.ResolvedAt; break;
            case ComplaintReopened: ResolvedAt = null; break;
            case ComplaintClosed closed: ClosedAt = closed.ClosedAt; break;
        }
    }
}
