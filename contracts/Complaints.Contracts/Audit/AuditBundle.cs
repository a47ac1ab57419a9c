namespace Complaints.Contracts.Audit;

/// <summary>An event with the seals the store recorded for it (null when it has none).</summary>
public sealed record SealedEvent(RecordedEvent Event, byte[]? StreamSeal, byte[]? GlobalSeal);

/// <summary>A global-chain entry of an event outside the export: its leaf and seal only, nothing of its content.</summary>
public sealed record ChainLink(long Seq, byte[] Leaf, byte[] GlobalSeal);

/// <summary>A seal whose event is no longer in the store (found only when verifying the store itself).</summary>
public sealed record MissingEvent(long Seq, Guid StreamId, long Version, byte[] Leaf, byte[] GlobalSeal);

/// <summary>
/// What a verification needs, from the store or from an export file: the events of whole
/// complaints, the global chain between them and a signed checkpoint after them, and the seal the
/// walk starts from (<see cref="AnchorSeal"/>, the global seal just before the first entry).
/// </summary>
public sealed class AuditBundle
{
    public string Scope { get; set; } = "";
    public long AnchorSeq { get; set; }
    public byte[] AnchorSeal { get; set; } = AuditChain.Genesis;
    /// <summary>Complaints whose whole stream is included: their own chain is checked from version 1.</summary>
    public List<Guid> Complaints { get; } = [];
    public List<SealedEvent> Events { get; } = [];
    public List<ChainLink> Links { get; } = [];
    public List<MissingEvent> Missing { get; } = [];
    public List<Checkpoint> Checkpoints { get; } = [];
    /// <summary>What the export says it holds, signed at export; null for a bundle built from the store, which needs none.</summary>
    public ExportManifest? Manifest { get; set; }
    /// <summary>
    /// The format named by the header of the export file this was read from; null when it was built
    /// from the store. A bundle read from a file must carry a manifest that holds.
    /// </summary>
    public string? FileFormat { get; set; }
}

/// <summary>What is wrong, and where: the first bad event by sequence.</summary>
public sealed record VerificationProblem(long Seq, Guid? ComplaintId, long? Version, string? EventType, string What)
{
    /// <summary>Seq 0 is no event: a problem of the whole export (its manifest), or of a complaint with no event left.</summary>
    public override string ToString()
    {
        var place = (Seq > 0 ? $"seq {Seq}" : "") +
            (ComplaintId is { } id ? (Seq > 0 ? ", " : "") + $"complaint {id}" : "") + (Version is { } v ? $" version {v}" : "") +
            (EventType is { } type ? $" ({type})" : "");
        return place.Length > 0 ? $"{place}: {What}" : What;
    }
}

public sealed record VerificationResult(int EventsChecked, int LinksChecked, Checkpoint? CoveredBy, VerificationProblem? FirstProblem)
{
    public bool Ok => FirstProblem is null;
}
