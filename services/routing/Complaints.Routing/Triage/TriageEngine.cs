using Complaints.Contracts.Events;
using Complaints.Domain.ServiceLevels;
using Complaints.Domain.Text;

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
    /// <summary>Seed 001's four motives: improvement, explanation, gain, trouble.</summary>
    public string Motive { get; init; } = Motives.Explanation;
    /// <summary>A harassing or nonsense contact (seed 000): handled by the standard process, kept out of KPIs and hostile caps.</summary>
    public bool Nuisance { get; init; }
    /// <summary>How sure triage is of the category, 0 to 1.</summary>
    public double Confidence { get; init; } = 1;
    /// <summary>Reasons triage is unsure; empty when it is sure enough.</summary>
    public IReadOnlyList<string> ReviewReasons { get; init; } = [];
    /// <summary>How to handle this customer (triage-rules.json's guidance for the style, motive, kind and nuisance).</summary>
    public IReadOnlyList<string> Guidance { get; init; } = [];
    /// <summary>An angry or out-of-control customer, unless the contact is a nuisance one (it does not count against an agent's hostile cap).</summary>
    public bool Hostile => !Nuisance && Emotion is Emotions.Angry or Emotions.OutOfControl;
}

public static class Emotions
{
    public const string Calm = "calm";
    public const string Dissatisfied = "dissatisfied";
    public const string Angry = "angry";
    public const string OutOfControl = "out_of_control";
}

public static class Motives
{
    public const string Improvement = "improvement";
    public const string Explanation = "explanation";
    public const string Gain = "gain";
    public const string Trouble = "trouble";
}

/// <summary>
/// Classifies a complaint as the brief does: category, kind, style, emotion, motive, expectations,
/// emergency flags and nuisance, then its priority. Rules (triage-rules.json) carry what must be
/// certain and explainable; the model (trained on the labelled corpus) decides before the rules when
/// it is very sure, where they are silent, and adds expectations. Emergency flags prefer recall: every
/// rule's signal counts, and the model may add one it is sure of (marked for review); it never removes
/// one. Every decision names the rule or the model, why, and how sure.
/// </summary>
public sealed class TriageEngine(TriageRuleSet rules, TriageModel? model = null)
{
    private const string MajorEconomicLoss = "major_economic_loss";

    public TriageModel? Model => model;

    public TriageResult Triage(ComplaintFiled complaint)
    {
        var decisions = new List<TriageDecision>();
        var text = new FoldedText(complaint.Description, rules.Negations);
        var features = model is null ? null : TextFeatures.Of(complaint.Description);
        var tuning = rules.Model;

        // What triage has decided so far: later rules may depend on it (expectations on the category, motive on the kind).
        var decided = new Decided();

        // A single-valued aspect. Rules decide when they speak, the first matching rule first (rule order is
        // priority: out of control before angry before calm). Where no rule speaks, the model decides if it
        // is sure enough, else the default. Rules for several values, or a model sure of another value,
        // make the decision less certain.
        (string Value, double Confidence, string? Conflict, IReadOnlyCollection<string> Voted) Single(TriageAspect aspect, string fallback)
        {
            var name = Name(aspect);
            var votes = rules.Rules.Where(r => r.Aspect == aspect)
                .Select(r => (Rule: r, Reason: Matches(r, complaint, text, decided)))
                .Where(m => m.Reason is not null)
                .ToList();
            var voted = votes.Select(v => v.Rule.Value).Distinct().ToList();
            var predicted = features is null ? [] : model!.Predict(name, features);
            var (top, topProbability) = predicted.Count > 0 ? predicted[0] : ("", 0);
            string? conflict = null;
            // Where configured, a model this sure speaks before keyword rules: the keywords were written against
            // the corpus and miss new wordings, the model learned from all of it. A rule that outranks the model
            // (safety: recall first) still wins.
            if (predicted.Count > 0 && tuning.ModelFirst.TryGetValue(name, out var first) && topProbability >= first
                && !votes.Any(v => v.Rule.OutranksModel))
            {
                var said = voted.Count > 0 ? $"; the rules said {string.Join(", ", voted)}" : "";
                decisions.Add(new TriageDecision(name, top, "model", $"the model trained on the labelled corpus gives {top} {Percent(topProbability)}{said}") { Confidence = topProbability * 0.9 });
                return (top, topProbability * 0.9, null, voted);
            }
            if (votes.Count > 0)
            {
                var (rule, reason) = (votes[0].Rule, votes[0].Reason);
                // Where rules disagree on an aspect the model may arbitrate, the model picks among the rules' values.
                if (voted.Count > 1 && predicted.Count > 0 && tuning.ModelArbitrates.Contains(name))
                    (rule, reason) = votes.MaxBy(v => predicted.FirstOrDefault(p => p.Label == v.Rule.Value).Probability);
                var confidence = voted.Count == 1 ? 0.9 : 0.6;
                if (voted.Count > 1)
                    conflict = $"rules for several values ({string.Join(", ", voted)}); {rule.Value} was taken";
                else if (predicted.Count > 0 && top != rule.Value && topProbability >= tuning.ModelDisagrees)
                {
                    confidence = 0.5;
                    conflict = $"the rules said {rule.Value}, the model {top} ({Percent(topProbability)})";
                }
                decisions.Add(new TriageDecision(name, rule.Value, rule.Name, reason!) { Confidence = confidence });
                return (rule.Value, confidence, conflict, voted);
            }
            if (predicted.Count > 0 && tuning.ModelDecides.TryGetValue(name, out var sureEnough) && topProbability >= sureEnough)
            {
                decisions.Add(new TriageDecision(name, top, "model", $"no rule matched; the model trained on the labelled corpus gives {top} {Percent(topProbability)}") { Confidence = topProbability * 0.8 });
                return (top, topProbability * 0.8, null, voted);
            }
            decisions.Add(new TriageDecision(name, fallback, "default", "no rule matched") { Confidence = 0.3 });
            return (fallback, 0.3, null, voted);
        }

        var review = new List<string>();
        var (category, categoryConfidence, categoryConflict, categoriesVoted) = Single(TriageAspect.Category, rules.Defaults.Category);
        decided.Category = category;
        decided.CategoriesVoted = categoriesVoted;
        decided.CategoryFromModel = decisions[^1].Rule == "model";
        // A category the model chose raises its emergency only when triage is sure enough of it (false alarms cost the crisis team).
        decided.ModelCategoryRaisesEmergency = decided.CategoryFromModel && categoryConfidence >= tuning.ModelCategoryRaisesEmergency;
        if (categoryConflict is not null) review.Add("category: " + categoryConflict);
        // A person checks a category that only the default gave, or that triage is unsure of: the
        // uncertain middle goes to review rather than quietly to a team.
        else if (decisions[^1].Rule == "default")
            review.Add($"no category rule matched the description and the model was not sure of one ({category} by default)");
        else if (categoryConfidence < tuning.ReviewBelow)
            review.Add($"category {category} is uncertain ({Percent(categoryConfidence)})");
        var kind = decided.Kind = Single(TriageAspect.Kind, rules.Defaults.Kind).Value;
        var style = Single(TriageAspect.Style, rules.Defaults.Style).Value;

        var emergencies = decided.Emergencies = Labels(TriageAspect.Emergency, "emergency", TriageModel.EmergencyFlags, tuning.EmergencyThreshold);
        // Words that can name a hazard ("burned through my data", "shocked by the price") are not a hazard
        // that struck or threatens someone. Where the model, trained on what writers told of real and
        // figurative ones, finds the complaint nothing like an emergency of that kind, a person checks it
        // instead of the crisis team being called.
        if (features is not null)
            foreach (var (flag, below) in tuning.ModelDoubts)
            {
                if (!emergencies.Contains(flag)) continue;
                var probability = model!.Probability("emergency", flag, features);
                if (probability >= below) continue;
                emergencies.Remove(flag);
                decisions.RemoveAll(d => d.Aspect == "emergency" && d.Value == flag);
                review.Add($"words that can mean {flag}, but the model finds nothing like one ({probability:P1}): check whether this is an emergency");
            }
        // A sum the customer says was lost or taken, compared with the configured threshold: "损失了三万五千元", "$12,500 was stolen".
        // 元, 块 and a bare 万 are the writer's own currency: New Taiwan dollars in Traditional script.
        var localCurrency = CustomerText.HasTraditionalScript(complaint.Description) ? rules.TraditionalScriptCurrency : "CNY";
        // The sum and what happened to it are often told side by side ("扣了两次，总共25152"), so the
        // clause before and after count as its context.
        var clauses = text.Clauses;
        bool SaysLost(int i) => i >= 0 && i < clauses.Count && rules.MajorLossWhenPhrases.Any(p => p.IsIn(clauses[i].Normalized, clauses[i].Compacted));
        var loss = clauses
            .Where((_, i) => Enumerable.Range(i - 2, 5).Any(SaysLost))
            .SelectMany(c => MoneyAmounts.Find(c.Normalized, localCurrency))
            .Where(a => rules.MajorLoss.TryGetValue(a.Currency, out var threshold) && a.Value >= threshold)
            .MaxBy(a => a.Value / rules.MajorLoss[a.Currency]);
        // A large sum told without a loss (a price, a salary, savings, money needed) is the uncertain
        // middle: a person checks it, the crisis team is not called.
        if (loss is null && !emergencies.Contains(MajorEconomicLoss)
            && clauses.SelectMany(c => MoneyAmounts.Find(c.Normalized, localCurrency))
                .FirstOrDefault(a => rules.MajorLoss.TryGetValue(a.Currency, out var threshold) && a.Value >= threshold) is { } named)
            review.Add($"a sum of {named.Value:#,0.##} {named.Currency} is named, but nothing says it was lost or taken: check whether this is a major loss");
        if (loss is not null && !emergencies.Contains(MajorEconomicLoss))
        {
            emergencies.Add(MajorEconomicLoss);
            decisions.Add(new TriageDecision("emergency", MajorEconomicLoss, "major-loss-amount",
                // The sum only, never the customer's words around it: decisions are published in clear.
                $"a sum of {loss.Value:#,0.##} {loss.Currency} in the description, at least the major-loss threshold of {rules.MajorLoss[loss.Currency]:#,0} {loss.Currency}"));
        }

        string emotion;
        if (complaint.ObservedEmotion.Length > 0)
        {
            // The agent heard the customer; the text is a weaker witness.
            emotion = complaint.ObservedEmotion;
            decisions.Add(new TriageDecision("emotion", emotion, "observed", "the agent observed it on the call"));
        }
        else
        {
            emotion = Single(TriageAspect.Emotion, rules.Defaults.Emotion).Value;
        }
        decided.Emotion = emotion;
        var nuisance = Single(TriageAspect.Nuisance, TriageModel.No).Value == TriageModel.Yes;
        var motive = nuisance ? Motives.Trouble : Single(TriageAspect.Motive, rules.Defaults.Motive).Value;
        var expectations = Labels(TriageAspect.Expectation, "expectation", TriageModel.Expectations, tuning.LabelThreshold);
        if (nuisance && emergencies.Count == 0)
            review.Add("looks like a harassing or nonsense contact: confirm before it is kept out of the figures");

        var complex = rules.Rules.Where(r => r.Aspect == TriageAspect.Complex)
            .Select(r => (Rule: r, Reason: Matches(r, complaint, text, decided)))
            .FirstOrDefault(m => m.Reason is not null);
        if (complex.Reason is not null)
            decisions.Add(new TriageDecision("complex", "true", complex.Rule.Name, complex.Reason));

        var (priority, why) = emergencies.Count > 0
            ? (Priorities.Emergency, "emergency: " + string.Join(", ", emergencies))
            : complaint.IsRepeat
                ? (Priorities.High, "repeat complaint on the same subject")
                : emotion == Emotions.OutOfControl && !nuisance
                    ? (Priorities.High, "customer out of control")
                    : (Priorities.General, "no emergency, not a repeat");
        decisions.Add(new TriageDecision("priority", priority, "priority", why));

        return new TriageResult(category, kind, style, emotion, expectations, emergencies, priority, complex.Reason is not null, decisions)
        {
            Motive = motive,
            Nuisance = nuisance,
            Confidence = categoryConfidence,
            ReviewReasons = review,
            Guidance = ((string[])[$"style:{style}", $"kind:{kind}", $"motive:{motive}", nuisance ? "nuisance" : ""])
                .Where(key => rules.Guidance.ContainsKey(key)).Select(key => rules.Guidance[key]).ToList(),
        };

        // A set-valued aspect: every matching rule adds its value; the model adds a value it is sure of.
        List<string> Labels(TriageAspect aspect, string modelKind, IReadOnlyList<string> known, double threshold)
        {
            var values = new List<string>();
            foreach (var rule in rules.Rules.Where(r => r.Aspect == aspect))
            {
                if (values.Contains(rule.Value) || Matches(rule, complaint, text, decided) is not { } reason) continue;
                values.Add(rule.Value);
                decisions.Add(new TriageDecision(Name(aspect), rule.Value, rule.Name, reason));
            }
            if (features is null) return values;
            foreach (var label in known.Except(values))
            {
                var probability = model!.Probability(modelKind, label, features);
                if (probability < threshold) continue;
                if (aspect == TriageAspect.Emergency && (probability < tuning.ModelFlagsEmergency || tuning.ModelNeverFlags.Contains(label)))
                {
                    // An emergency needs a signal in the customer's words. A model that suspects one without
                    // any (below modelFlagsEmergency, or a kind it never flags alone: threats and losses need
                    // the customer's own words or a sum) asks a person instead of sending the case to the crisis team.
                    review.Add($"the model suspects {label} ({Percent(probability)}) though no emergency rule found a signal: check");
                    continue;
                }
                if (aspect == TriageAspect.Emergency)
                    review.Add($"the model flagged {label} ({Percent(probability)}) though no emergency rule found a signal: check it is one");
                values.Add(label);
                decisions.Add(new TriageDecision(Name(aspect), label, "model", $"the model gives {label} {Percent(probability)}") { Confidence = probability });
            }
            // Every complaint expects something: where neither rules nor a sure model named it, the likeliest.
            if (aspect == TriageAspect.Expectation && values.Count == 0
                && known.MaxBy(label => model!.Probability(modelKind, label, features)) is { } likeliest)
            {
                values.Add(likeliest);
                decisions.Add(new TriageDecision(Name(aspect), likeliest, "model", $"no rule named an expectation; the likeliest is {likeliest} ({Percent(model!.Probability(modelKind, likeliest, features))})") { Confidence = model!.Probability(modelKind, likeliest, features) });
            }
            return values;
        }
    }

    /// <summary>
    /// Negated in every clause it occurs in. A phrase no clause holds ("!!!" is where clauses are cut, a
    /// phrase may span a comma) is not negated: nothing stands before it in a clause.
    /// </summary>
    private static bool Negated(CustomerText.Phrase keyword, FoldedText text)
    {
        var holding = text.Clauses.Where(c => keyword.IsIn(c.Normalized, c.Compacted)).ToList();
        return holding.Count > 0 && holding.All(c => c.Negates(keyword));
    }

    /// <summary>Someone else's words in every clause it occurs in: "my coworker thinks I should take it to the local news".</summary>
    private static bool Reported(CustomerText.Phrase keyword, FoldedText text)
    {
        var holding = text.Clauses.Where(c => keyword.IsIn(c.Normalized, c.Compacted)).ToList();
        return holding.Count > 0 && holding.All(c => c.Reports(keyword));
    }

    private static string Percent(double p) => $"{p:P0}".Replace(" ", "", StringComparison.Ordinal);

    /// <summary>Why the rule holds for this complaint, or null when it does not.</summary>
    private static string? Matches(TriageRule rule, ComplaintFiled complaint, FoldedText text, Decided decided)
    {
        var reasons = new List<string>();
        if (rule.Keywords.Count > 0)
        {
            // The rule reads the description without its "unless" phrases: a gas bill (燃气费) is no gas leak.
            if (rule.Unless.Count > 0) text = text.Without(rule.UnlessPhrases);
            // A keyword the customer negates ("I'm not going to sue", "不会找媒体", "not asking for a refund")
            // does not count, except for most categories: "no idea why my bill doubled" is still about the
            // bill. A negated hazard ("不算危险") is no hazard, so the safety category is negatable.
            var keyword = rule.Aspect == TriageAspect.Category && !rule.Negatable
                ? rule.Phrases.FirstOrDefault(k => k.IsIn(text.Normalized, text.Compacted))
                : rule.Phrases.FirstOrDefault(k => k.IsIn(text.Normalized, text.Compacted) && !Negated(k, text) && !(rule.CustomersOwn && Reported(k, text)));
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
            if (rule.Aspect == TriageAspect.Emergency)
            {
                // Recall first: a safety word counts even when billing wins, and so does a safety category
                // the model chose where no rule spoke (the hazard was told in words no list foresaw).
                if (decided.CategoriesVoted.FirstOrDefault(rule.Categories.Contains) is { } voted)
                    reasons.Add($"words of category {voted}");
                else if (decided.ModelCategoryRaisesEmergency && rule.Categories.Contains(decided.Category!))
                    reasons.Add($"category {decided.Category}, decided by the model");
                else return null;
            }
            else
            {
                if (decided.Category is null || !rule.Categories.Contains(decided.Category)) return null;
                reasons.Add($"category {decided.Category}");
            }
        }
        if (rule.Kinds.Count > 0)
        {
            if (decided.Kind is null || !rule.Kinds.Contains(decided.Kind)) return null;
            reasons.Add($"kind {decided.Kind}");
        }
        if (rule.Emotions.Count > 0)
        {
            if (decided.Emotion is null || !rule.Emotions.Contains(decided.Emotion)) return null;
            reasons.Add($"emotion {decided.Emotion}");
        }
        if (rule.Emergencies.Count > 0)
        {
            var flag = decided.Emergencies.FirstOrDefault(f => rule.Emergencies.Contains(f) || rule.Emergencies.Contains("any"));
            if (flag is null) return null;
            reasons.Add($"emergency {flag}");
        }
        return string.Join(" and ", reasons);
    }

    /// <summary>The aspects decided so far, in the order triage decides them.</summary>
    private sealed class Decided
    {
        public string? Category { get; set; }
        /// <summary>Categories some rule voted for, chosen or not.</summary>
        public IReadOnlyCollection<string> CategoriesVoted { get; set; } = [];
        /// <summary>No rule spoke for a category; the model chose it.</summary>
        public bool CategoryFromModel { get; set; }
        /// <summary>The model chose the category sure enough for its emergency (safety) to be flagged.</summary>
        public bool ModelCategoryRaisesEmergency { get; set; }
        public string? Kind { get; set; }
        public List<string> Emergencies { get; set; } = [];
        public string? Emotion { get; set; }
    }

    private static string Name(TriageAspect aspect) => aspect.ToString().ToLowerInvariant();

    /// <summary>The description folded once (full-width, zero-width, quotes, Traditional script, case) for every rule, and cut into clauses.</summary>
    private sealed class FoldedText(string description, TriageNegations negations)
    {
        public string Normalized { get; } = CustomerText.Normalize(description);
        public string Compacted => compacted ??= CustomerText.Compact(Normalized);
        private string? compacted;
        public IReadOnlyList<Clause> Clauses => clauses ??= negations.Split(Normalized);
        private IReadOnlyList<Clause>? clauses;

        /// <summary>The same description with these phrases blanked out (the text as a rule with "unless" reads it).</summary>
        public FoldedText Without(IReadOnlyList<CustomerText.Phrase> phrases)
        {
            var remaining = Normalized;
            foreach (var phrase in phrases.Where(p => p.IsIn(remaining, CustomerText.Compact(remaining))))
                remaining = remaining.Replace(phrase.Folded, " ", StringComparison.Ordinal).Replace(phrase.Text.ToLowerInvariant(), " ", StringComparison.Ordinal);
            return remaining == Normalized ? this : new FoldedText(remaining, negations);
        }
    }
}
