using System.Text.Json;
using Complaints.Contracts.Resolution.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Resolution.Wording;

/// <summary>
/// Checks every message meant for a customer against the forbidden wording (wording-rules.json).
/// A violation refuses the message, naming the phrase and the preferred form, unless a supervisor
/// overrides it with a reason, which is then recorded on the complaint's stream.
/// </summary>
public sealed class WordingPolicy
{
    private readonly List<(string Phrase, string Kind, string Preferred)> phrases;

    private WordingPolicy(IEnumerable<WordingRule> rules) =>
        phrases = rules.SelectMany(r => r.Phrases.Select(p => (p, r.Kind, r.Preferred))).ToList();

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
        // Longest first, and a phrase inside one already found ("not our responsibility" inside
        // "this is not our responsibility") is the same mistake, reported once.
        var found = new List<WordingViolation>();
        foreach (var (phrase, kind, preferred) in phrases.OrderByDescending(p => p.Phrase.Length))
        {
            if (!message.Contains(phrase, StringComparison.OrdinalIgnoreCase)) continue;
            if (found.Any(f => f.Phrase.Contains(phrase, StringComparison.OrdinalIgnoreCase))) continue;
            found.Add(new WordingViolation { Phrase = phrase, Kind = kind, Preferred = preferred });
        }
        return found;
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
            caller.Require(caller.Role is Roles.Supervisor or Roles.Manager or Roles.Committee,
                "only a supervisor or above may override the wording check; ask your supervisor to send it");
            return violations.Select(v => (object)new Contracts.Events.WordingOverridden(complaintId, v.Phrase, caller.Subject, o.Reason, now)).ToList();
        }

        var refusal = new FieldViolations();
        foreach (var v in violations)
            refusal.Add(field, $"\"{v.Phrase}\" is {v.Kind.Replace('_', ' ')}; say instead: {v.Preferred}");
        refusal.ThrowIfAny();
        return [];
    }

    private sealed record WordingRulesFile(List<WordingRule> Rules);

    private sealed record WordingRule(string Kind, List<string> Phrases, string Preferred);
}
