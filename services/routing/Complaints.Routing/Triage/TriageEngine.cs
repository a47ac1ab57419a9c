using Complaints.Contracts.Events;
using Complaints.ServiceDefaults.ServiceLevels;
using Complaints.ServiceDefaults.Text;

namespace Complaints.Routing.Triage;

public sealed record TriageResult(
    string Category,
    string Kind,
    string Style,
    string Emotion,
    IReadOnlyList<string> Expectations,
    IReadOnlyList<string> EmergencyFlags,
    string Priority,
    bool Complex,
    IReadOnlyList<TriageDecision> Decisions)
{
    /// <summary>Reasons triage is unsure; empty when it is sure enough.</summary>
    public IReadOnlyList<string> ReviewReasons { get; init; } = [];
    public bool Hostile => Emotion is Emotions.Angry or Emotions.OutOfControl;
}

public static class Emotions
{
    public const string Calm = "calm";
    public const string Dissatisfied = "dissatisfied";
    public const string Angry = "angry";
    public const string OutOfControl = "out_of_control";
}

/// <summary>
/// Classifies a complaint as the brief does: category, kind, style, emotion, expectations and
/// emergency flags, then its priority. Every decision names the rule that made it and why.
/// </summary>
public sealed class TriageEngine(TriageRuleSet rules)
{
    private const string MajorEconomicLoss = "major_economic_loss";

    public TriageResult Triage(ComplaintFiled complaint)
    {
        var decisions = new List<TriageDecision>();
        var text = new FoldedText(complaint.Description);

        string Single(TriageAspect aspect, string fallback, string? category = null)
        {
            foreach (var rule in rules.Rules.Where(r => r.Aspect == aspect))
            {
                if (Matches(rule, complaint, text, category) is { } reason)
                {
                    decisions.Add(new TriageDecision(Name(aspect), rule.Value, rule.Name, reason));
                    return rule.Value;
                }
            }
            decisions.Add(new TriageDecision(Name(aspect), fallback, "default", "no rule matched"));
            return fallback;
        }

        List<string> Many(TriageAspect aspect, string category)
        {
            var values = new List<string>();
            foreach (var rule in rules.Rules.Where(r => r.Aspect == aspect))
            {
                if (values.Contains(rule.Value) || Matches(rule, complaint, text, category) is not { } reason) continue;
                values.Add(rule.Value);
                decisions.Add(new TriageDecision(Name(aspect), rule.Value, rule.Name, reason));
            }
            return values;
        }

        // Every category rule is tried: the first match decides, and several categories matching (or
        // none) make the triage unsure.
        var categoryMatches = rules.Rules.Where(r => r.Aspect == TriageAspect.Category)
            .Select(r => (Rule: r, Reason: Matches(r, complaint, text, null)))
            .Where(m => m.Reason is not null)
            .ToList();
        var categoriesMatched = categoryMatches.Select(m => m.Rule.Value).Distinct().ToList();
        var confidence = categoriesMatched.Count switch { 0 => 0.3, 1 => 0.8, _ => 0.5 };
        var category = categoryMatches.Count > 0 ? categoryMatches[0].Rule.Value : rules.Defaults.Category;
        decisions.Add(categoryMatches.Count > 0
            ? new TriageDecision("category", category, categoryMatches[0].Rule.Name, categoryMatches[0].Reason!) { Confidence = confidence }
            : new TriageDecision("category", category, "default", "no rule matched") { Confidence = confidence });
        var review = new List<string>();
        if (categoriesMatched.Count == 0)
            review.Add("no category rule matched the description");
        else if (categoriesMatched.Count > 1)
            review.Add($"the description fits several categories ({string.Join(", ", categoriesMatched)}); {category} was taken");
        var kind = Single(TriageAspect.Kind, rules.Defaults.Kind, category);
        var style = Single(TriageAspect.Style, rules.Defaults.Style, category);

        string emotion;
        if (complaint.ObservedEmotion.Length > 0)
        {
            emotion = complaint.ObservedEmotion;
            decisions.Add(new TriageDecision("emotion", emotion, "observed", "the agent observed it on the call"));
        }
        else
        {
            emotion = Single(TriageAspect.Emotion, rules.Defaults.Emotion, category);
        }

        var expectations = Many(TriageAspect.Expectation, category);
        var emergencies = Many(TriageAspect.Emergency, category);
        // A sum the customer names, compared with the configured threshold: "损失了三万五千元", "$12,500".
        var loss = MoneyAmounts.Find(text.Normalized)
            .Where(a => rules.MajorLoss.TryGetValue(a.Currency, out var threshold) && a.Value >= threshold)
            .MaxBy(a => a.Value / rules.MajorLoss[a.Currency]);
        if (loss is not null && !emergencies.Contains(MajorEconomicLoss))
        {
            emergencies.Add(MajorEconomicLoss);
            decisions.Add(new TriageDecision("emergency", MajorEconomicLoss, "major-loss-amount",
                // The sum only, never the customer's words around it: decisions are published in clear.
                $"a sum of {loss.Value:#,0.##} {loss.Currency} in the description, at least the major-loss threshold of {rules.MajorLoss[loss.Currency]:#,0} {loss.Currency}"));
        }
        var complex = rules.Rules.Where(r => r.Aspect == TriageAspect.Complex)
            .Select(r => (Rule: r, Reason: Matches(r, complaint, text, category)))
            .FirstOrDefault(m => m.Reason is not null);
        if (complex.Reason is not null)
            decisions.Add(new TriageDecision("complex", "true", complex.Rule.Name, complex.Reason));

        var (priority, why) = emergencies.Count > 0
            ? (Priorities.Emergency, "emergency: " + string.Join(", ", emergencies))
            : complaint.IsRepeat
                ? (Priorities.High, "repeat complaint on the same subject")
                : emotion == Emotions.OutOfControl
                    ? (Priorities.High, "customer out of control")
                    : (Priorities.General, "no emergency, not a repeat");
        decisions.Add(new TriageDecision("priority", priority, "priority", why));

        return new TriageResult(category, kind, style, emotion, expectations, emergencies, priority, complex.Reason is not null, decisions)
        {
            ReviewReasons = review,
        };
    }

    /// <summary>Why the rule holds for this complaint, or null when it does not.</summary>
    private static string? Matches(TriageRule rule, ComplaintFiled complaint, FoldedText text, string? category)
    {
        var reasons = new List<string>();
        if (rule.Keywords.Count > 0)
        {
            var keyword = rule.Phrases.FirstOrDefault(k => k.IsIn(text.Normalized, text.Compacted));
            if (keyword is null) return null;
            reasons.Add($"keyword \"{keyword.Text}\" in the description");
        }
        if (rule.Channels.Count > 0)
        {
            if (!rule.Channels.Contains(complaint.Channel)) return null;
            reasons.Add($"channel {complaint.Channel}");
        }
        if (rule.Requests.Count > 0)
        {
            var request = complaint.Requests.FirstOrDefault(rule.Requests.Contains);
            if (request is null) return null;
            reasons.Add($"customer asks for {request}");
        }
        if (rule.Categories.Count > 0)
        {
            if (category is null || !rule.Categories.Contains(category)) return null;
            reasons.Add($"category {category}");
        }
        return string.Join(" and ", reasons);
    }

    private static string Name(TriageAspect aspect) => aspect.ToString().ToLowerInvariant();

    /// <summary>The description folded once (full-width, zero-width, quotes, Traditional script, case) for every rule.</summary>
    private sealed class FoldedText(string description)
    {
        public string Normalized { get; } = CustomerText.Normalize(description);
        public string Compacted => compacted ??= CustomerText.Compact(Normalized);
        private string? compacted;
    }
}
