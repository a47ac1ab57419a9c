using Complaints.Contracts.Stream;
using Complaints.ServiceDefaults.PersonalData;

namespace Complaints.Resolution.Cases;

/// <summary>
/// What the workflow's guards read about a complaint: the complaint's one fold
/// (<see cref="ComplaintLife"/>) plus the customer's data key, so a decision seals what it records.
/// </summary>
public sealed class CaseState(ComplaintLife life)
{
    public ComplaintLife Life { get; } = life;
    public Guid ComplaintId => Life.Id;
    public Guid? CustomerKeyId => Life.CustomerKeyId;
    public string Team => Life.Team;
    public long Version => Life.Version;
    public string? AssigneeId => Life.Owner;
    public bool HasFirstResponse => Life.FirstResponseAt is not null;
    public DateTimeOffset? ResolvedAt => Life.ResolvedAt;
    public DateTimeOffset? ClosedAt => Life.ClosedAt;
    public IReadOnlyDictionary<Guid, RemedyLife> Remedies => Life.Remedies;

    /// <summary>The customer's data key, set by <see cref="CaseStream"/> after the fold.</summary>
    public CustomerCipher Customer { get; set; } = null!;

    public string Seal(string text) => Customer.Protect(PersonalField.Text, text);

    /// <summary>The case, or null when the stream is no complaint.</summary>
    public static CaseState? From(Guid complaintId, IEnumerable<(long Version, object Data)> events) =>
        ComplaintLife.Fold(complaintId, events) is { } life ? new CaseState(life) : null;
}
