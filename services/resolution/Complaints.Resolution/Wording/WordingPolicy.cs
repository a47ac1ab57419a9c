using Complaints.Domain.Rules;
using System.Text.Json;
using Complaints.Contracts.Resolution.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Complaints.Domain.Text;

namespace Complaints.Resolution.Wording;

/// <summary>
/// Checks every message meant for a customer against the forbidden wording (wording-rules.json).
/// A violation refuses the message, naming the phrase and the preferred form, unless a supervisor
/// overrides it with a reason, which is then recorded on the complaint's stream.
/// </summary>
public sealed class WordingPolicy
{
    private readonly List<(CustomerText.Phrase Phrase, string Kind, string Preferred)> phrases;

    private WordingPolicy(IEnumerable<WordingRule> rules) =>
        phrases = rules.SelectMany(r => r.Phrases.Select(p => (new CustomerText.Phrase(p), r.Kind, r.Preferred)))
            .OrderByDescending(p => p.Item1.Text.Length).ToList();

    public static WordingPolicy Load(string path)
    {
        var file = JsonSerializer.Deserialize<WordingRulesFile>(File.ReadAllText(path),
            new JsonSerializerOptions(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
            ?? throw new InvalidDataException($"{path} holds no wording rules");
        if (file.Rules.Any(r => r.Phrases.Count == 0 || string.IsNullOrWhiteSpace(r.Preferred)))
            throw new InvalidDataException($"{path}: every rule needs phrases and a preferred form");
        return new WordingPolicy(file.Rules);
    }

    public IReadOnlyList<WordingViolation> Check(string message)
    {
        // Folded first, so full-width forms, zero-width characters, curly quotes, spacing and
        // Traditional script do not hide a phrase. Longest first, and a phrase inside one already
        // found ("not our responsibility" inside "this is not our responsibility") is reported once.
        var normalized = CustomerText.Normalize(message);
        var compacted = CustomerText.Compact(normalized);
        var found = new List<(string Folded, WordingViolation Violation)>();
        foreach (var (phrase, kind, preferred) in phrases)
        {
            if (!phrase.IsIn(normalized, compacted)) continue;
            if (found.Any(f => f.Folded.Contains(phrase.Folded, StringComparison.Ordinal))) continue;
            found.Add((phrase.Folded, new WordingViolation { Phrase = phrase.Text, Kind = kind, Preferred = preferred }));
        }
        return found.Select(f => f.Violation).ToList();
    }

    /// <summary>
    /// Refuses <paramref name="message"/> (field <paramref name="field"/>) when it breaks the rules and
    /// nobody overrode it; returns the override events to record otherwise. Only a supervisor or
    /// above, calling in person, may override, and must say why.
    /// </summary>
    public IReadOnlyList<object> Enforce(Guid complaintId, string field, string message, WordingOverride? @override, Caller caller, DateTimeOffset now)
    {
        var violations = Check(message);
        if (violations.Count == 0) return [];
        if (@override is { } o && !string.IsNullOrWhiteSpace(o.Reason))
        {
            Rejection.RequireAllowed(caller.Role is Roles.Supervisor or Roles.Manager or Roles.Committee,
                $"{caller.Role} {caller.Subject}: only a supervisor or above may override the wording check; ask your supervisor to send it");
            return violations.Select(v => (object)new Contracts.Events.WordingOverridden(complaintId, v.Phrase, caller.Subject, o.Reason, now)).ToList();
        }

        var refusal = new FieldProblems();
        foreach (var v in violations)
            refusal.Add(field, $"\"{v.Phrase}\" is {v.Kind.Replace('_', ' ')}; say instead: {v.Preferred}");
        refusal.ThrowIfAny();
        return [];
    }

    private sealed record WordingRulesFile(List<WordingRule> Rules);

    private sealed record WordingRule(string Kind, List<string> Phrases, string Preferred);
}
