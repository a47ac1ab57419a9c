namespace Complaints.Domain.Rules;

/// <summary>Why the complaint's rules refuse a command.</summary>
public enum RejectionKind
{
    /// <summary>A field of the command is wrong whatever the complaint's state (the fields say which).</summary>
    InvalidArgument,
    /// <summary>The complaint, or something the command names on it, does not exist.</summary>
    NotFound,
    /// <summary>The complaint is not in a state where this can happen (closed, not assigned yet...).</summary>
    FailedPrecondition,
    /// <summary>The person may not do this to this complaint (not theirs, above their limit...).</summary>
    PermissionDenied,
    /// <summary>It was done already and cannot be done twice.</summary>
    AlreadyExists,
    /// <summary>The caller acted on a version of the complaint that is no longer the latest.</summary>
    Conflict,
}

/// <summary>One field of a command and what is wrong with it.</summary>
public sealed record FieldProblem(string Field, string Description);

/// <summary>
/// A command the complaint's rules refuse, saying why in words a caller can act on. Deciders raise
/// it; the services' edge (the gRPC errors interceptor) turns it into a status, so no rule knows about
/// gRPC and each refusal maps one way.
/// </summary>
public sealed class Rejection(RejectionKind kind, string message, IReadOnlyList<FieldProblem>? fields = null) : Exception(message)
{
    public RejectionKind Kind { get; } = kind;
    public IReadOnlyList<FieldProblem> Fields { get; } = fields ?? [];

    public static Rejection NotFound(string message) => new(RejectionKind.NotFound, message);
    public static Rejection Forbidden(string message) => new(RejectionKind.PermissionDenied, message);
    public static Rejection AlreadyDone(string message) => new(RejectionKind.AlreadyExists, message);
    public static Rejection Field(string field, string description) =>
        new(RejectionKind.InvalidArgument, $"Invalid request: {field}: {description}", [new FieldProblem(field, description)]);

    /// <summary>Refuses with FailedPrecondition unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string message)
    {
        if (!condition) throw new Rejection(RejectionKind.FailedPrecondition, message);
    }

    /// <summary>Refuses with PermissionDenied unless <paramref name="condition"/> holds.</summary>
    public static void RequireAllowed(bool condition, string message)
    {
        if (!condition) throw Forbidden(message);
    }
}

/// <summary>Collects what is wrong with a command's fields, and refuses once with all of them (InvalidArgument).</summary>
public sealed class FieldProblems
{
    private readonly List<FieldProblem> problems = [];

    public FieldProblems Add(string field, string description)
    {
        problems.Add(new FieldProblem(field, description));
        return this;
    }

    public void ThrowIfAny()
    {
        if (problems.Count > 0)
            throw new Rejection(RejectionKind.InvalidArgument, "Invalid request: " + string.Join("; ", problems.Select(p => $"{p.Field}: {p.Description}")), [.. problems]);
    }
}
