using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Routing.Triage;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Complaints.Domain.ServiceLevels;
using Complaints.Domain.Rules;

namespace Complaints.Routing.CorrectTriage;

/// <summary>What a person asks to change in a complaint's triage; null or empty keeps a value.</summary>
public sealed record CorrectTriageCommand(
    string? Category,
    string? Kind,
    string? Style,
    string? Emotion,
    string? Motive,
    string? Nuisance,
    IReadOnlyList<string> AddEmergencyFlags,
    bool ClearEmergency,
    string Reason);

/// <summary>
/// The decision of a triage correction: from the complaint's fold and the command, the changes to
/// record, or why not. Clearing an emergency and confirming a nuisance contact need a supervisor
/// (the brief: a false emergency wastes the crisis team's clock, so someone with authority decides);
/// the priority follows from the corrected emergency flags, repeat and emotion as triage sets it.
/// </summary>
public static class TriageCorrection
{
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string> { "transactional", "attitude", "suggestion" };
    public static readonly IReadOnlySet<string> Styles = new HashSet<string> { "venting", "negotiating" };
    public static readonly IReadOnlySet<string> EmotionLevels = new HashSet<string> { Emotions.Calm, Emotions.Dissatisfied, Emotions.Angry, Emotions.OutOfControl };
    public static readonly IReadOnlySet<string> MotiveValues = new HashSet<string> { Motives.Improvement, Motives.Explanation, Motives.Gain, Motives.Trouble };

    public static IReadOnlyList<TriageChange> Decide(ComplaintLife life, CorrectTriageCommand command, string role, IReadOnlySet<string> categories)
    {
        var violations = new FieldProblems();
        if (string.IsNullOrWhiteSpace(command.Reason)) violations.Add("reason", "is required: say why triage was wrong");
        else if (command.Reason.Length > 2000) violations.Add("reason", "is longer than 2000 characters");
        Check("category", command.Category, categories);
        Check("kind", command.Kind, Kinds);
        Check("style", command.Style, Styles);
        Check("emotion", command.Emotion, EmotionLevels);
        Check("motive", command.Motive, MotiveValues);
        foreach (var flag in command.AddEmergencyFlags.Where(f => !TriageModel.EmergencyFlags.Contains(f)))
            violations.Add("add_emergency_flags", $"'{flag}' is not one of {string.Join(", ", TriageModel.EmergencyFlags)}");
        if (command.ClearEmergency && command.AddEmergencyFlags.Count > 0)
            violations.Add("clear_emergency", "cannot clear an emergency and declare one in the same correction");
        violations.ThrowIfAny();

        if (life.Category.Length == 0)
            throw new Rejection(RejectionKind.FailedPrecondition, "The complaint has not been triaged yet; there is nothing to correct");
        var supervises = role is Roles.Supervisor or Roles.Manager or Roles.Committee;
        if (command.ClearEmergency && !supervises)
            throw Rejection.Forbidden("Only a supervisor or a manager clears an emergency");
        if (command.Nuisance is NuisanceStates.Confirmed && !supervises)
            throw Rejection.Forbidden("An agent may flag a nuisance contact; a supervisor confirms it");
        if (command.ClearEmergency && life.EmergencyFlags.Count == 0)
            throw new Rejection(RejectionKind.FailedPrecondition, "The complaint is not an emergency; there is none to clear");

        var changes = new List<TriageChange>();
        Change(TriageAspects.Category, life.Category, command.Category);
        Change(TriageAspects.Kind, life.Kind, command.Kind);
        Change(TriageAspects.Style, life.Style, command.Style);
        Change(TriageAspects.Emotion, life.Emotion, command.Emotion);
        Change(TriageAspects.Motive, life.Motive, command.Motive);
        var nuisanceNow = life.NuisanceConfirmed ? NuisanceStates.Confirmed : life.Nuisance ? NuisanceStates.Suspected : NuisanceStates.None;
        Change(TriageAspects.Nuisance, nuisanceNow, command.Nuisance);
        var flags = command.ClearEmergency ? [] : life.EmergencyFlags.Union(command.AddEmergencyFlags).ToList();
        Change(TriageAspects.Emergency, string.Join(",", life.EmergencyFlags), string.Join(",", flags));
        var emotion = command.Emotion is { Length: > 0 } e ? e : life.Emotion;
        var nuisance = command.Nuisance is { Length: > 0 } n ? n != NuisanceStates.None : life.Nuisance;
        var priority = flags.Count > 0 ? Priorities.Emergency
            : life.IsRepeat || (emotion == Emotions.OutOfControl && !nuisance) ? Priorities.High
            : Priorities.General;
        Change(TriageAspects.Priority, life.Priority, priority);
        if (changes.Count == 0)
            throw new Rejection(RejectionKind.FailedPrecondition, "Nothing to correct: every value given is the complaint's current one");
        return changes;

        void Check(string field, string? value, IReadOnlySet<string> allowed)
        {
            if (value is { Length: > 0 } && !allowed.Contains(value))
                violations.Add(field, $"'{value}' is not one of {string.Join(", ", allowed.Order(StringComparer.Ordinal))}");
        }

        void Change(string aspect, string from, string? to)
        {
            if (to is { } value && (value.Length > 0 || aspect == TriageAspects.Emergency) && value != from)
                changes.Add(new TriageChange(aspect, from, value));
        }
    }
}
