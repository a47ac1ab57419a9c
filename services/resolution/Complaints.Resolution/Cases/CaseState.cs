using Complaints.Domain.ComplaintStream;

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

    /// <summary>Seals a text under the customer's data key (set by <see cref="CaseStream"/>, which read the key).</summary>
    public required Func<string, string> Sealer { get; init; }

    /// <summary>What staff write about the customer is the customer's personal data: stored sealed.</summary>
    public string Seal(string text) => Sealer(text);

}
