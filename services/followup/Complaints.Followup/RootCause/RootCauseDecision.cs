using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Domain.Rules;

namespace Complaints.Followup.RootCause;

/// <summary>A 5-Why review of a complaint and the improvement action it opens.</summary>
public sealed record RecordRootCause(IReadOnlyList<string> Whys, string RootCauseCategory, Guid ActionId, string ActionDescription, string ActionOwner, DateOnly ActionDueDate);

/// <summary>
/// Root-cause review (5-Why) and improvement actions: find a problem, improve, and verify the
/// improvement on later complaints linked to the action.
/// </summary>
public static class RootCauseDecision
{
    public static IReadOnlyList<object> Record(ComplaintLife life, RecordRootCause command, string analyst, DateTimeOffset now) =>
    [
        new RootCauseIdentified(life.Id, [.. command.Whys], command.RootCauseCategory.Trim().ToLowerInvariant(), analyst, now),
        new ImprovementActionOpened(life.Id, command.ActionId, command.ActionDescription, command.ActionOwner, command.ActionDueDate, now),
    ];

    /// <summary>A later complaint linked to an action, to verify it; linking twice records nothing.</summary>
    public static IReadOnlyList<object> Link(ComplaintLife life, Guid actionId, DateTimeOffset now) =>
        life.LinkedImprovementActions.Contains(actionId) ? [] : [new LinkedToImprovementAction(life.Id, actionId, now)];

    /// <summary>The action carried out, recorded on the complaint it came from; once.</summary>
    public static IReadOnlyList<object> Complete(ComplaintLife source, Guid actionId, string outcome, string by, DateTimeOffset now)
    {
        Rejection.Require(source.ImprovementActions.Contains(actionId), $"Improvement action {actionId} was not opened from complaint {source.Id}");
        Rejection.Require(!source.CompletedImprovementActions.Contains(actionId), $"Improvement action {actionId} was already completed");
        return [new ImprovementActionCompleted(source.Id, actionId, outcome.Trim(), by, now)];
    }
}
