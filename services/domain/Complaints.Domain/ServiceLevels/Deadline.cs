namespace Complaints.Domain.ServiceLevels;

/// <summary>The kinds of time a complaint is held to.</summary>
public enum DeadlineKind
{
    /// <summary>The SLA's first response.</summary>
    FirstResponse,
    /// <summary>The SLA's resolution.</summary>
    Resolution,
    /// <summary>A concrete time an agent promised the customer.</summary>
    Commitment,
    /// <summary>Another department's answer to a task handed to it.</summary>
    DepartmentTask,
    /// <summary>A regulator's clock, by name.</summary>
    Regulatory,
    /// <summary>A shape this release does not know (a newer one wrote it); counted, never guessed.</summary>
    Other,
}

/// <summary>
/// A deadline by kind, and for a regulator's clock its name: the closed set behind the strings
/// <c>SlaBreached.Deadline</c> carries on disk and on the bus ("first_response", "resolution",
/// "commitment", "department_task", "regulatory:NAME"; older events also "commitment:..." and
/// "department:..."). Parsed where a rule reads it, so rules compare kinds, never strings.
/// </summary>
public readonly record struct Deadline(DeadlineKind Kind, string Clock = "")
{
    public const string FirstResponseWire = "first_response";
    public const string ResolutionWire = "resolution";
    public const string CommitmentWire = "commitment";
    public const string DepartmentTaskWire = "department_task";
    private const string RegulatoryPrefix = "regulatory:";

    public static readonly Deadline FirstResponse = new(DeadlineKind.FirstResponse);
    public static readonly Deadline Resolution = new(DeadlineKind.Resolution);
    public static readonly Deadline Commitment = new(DeadlineKind.Commitment);
    public static readonly Deadline DepartmentTask = new(DeadlineKind.DepartmentTask);

    public static Deadline RegulatoryClock(string name) => new(DeadlineKind.Regulatory, name);

    /// <summary>The deadline a recorded string names; an unknown shape is <see cref="DeadlineKind.Other"/>.</summary>
    public static Deadline Parse(string wire) => wire switch
    {
        FirstResponseWire => FirstResponse,
        ResolutionWire => Resolution,
        CommitmentWire => Commitment,
        DepartmentTaskWire => DepartmentTask,
        _ when wire.StartsWith(RegulatoryPrefix, StringComparison.Ordinal) && wire.Length > RegulatoryPrefix.Length => RegulatoryClock(wire[RegulatoryPrefix.Length..]),
        _ when wire.StartsWith(CommitmentWire + ":", StringComparison.Ordinal) => Commitment,
        _ when wire.StartsWith("department:", StringComparison.Ordinal) => DepartmentTask,
        _ => new Deadline(DeadlineKind.Other),
    };

    /// <summary>As events record it.</summary>
    public string Wire => Kind switch
    {
        DeadlineKind.FirstResponse => FirstResponseWire,
        DeadlineKind.Resolution => ResolutionWire,
        DeadlineKind.Commitment => CommitmentWire,
        DeadlineKind.DepartmentTask => DepartmentTaskWire,
        DeadlineKind.Regulatory => RegulatoryPrefix + Clock,
        _ => throw new InvalidOperationException("an unknown deadline is never recorded"),
    };

    /// <summary>The kind alone, in the recorded words ("regulatory" without its clock): a bounded name for metrics.</summary>
    public string KindName => Kind switch
    {
        DeadlineKind.Regulatory => "regulatory",
        DeadlineKind.Other => "other",
        _ => Wire,
    };

    public override string ToString() => Kind == DeadlineKind.Other ? "other" : Wire;
}
