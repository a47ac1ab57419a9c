using System.Text.Json;
using System.Text.Json.Serialization;
using Complaints.Domain.Text;

namespace Complaints.Routing.Triage;

/// <summary>
/// Triage rules as data (triage-rules.json). A rule sets one aspect of the triage to a value when
/// all of its conditions hold; conditions left out always hold.
/// </summary>
public sealed class TriageRuleSet
{
    public List<TriageRule> Rules { get; init; } = [];
    public TriageDefaults Defaults { get; init; } = new();
    /// <summary>
    /// A sum of money at least this large, per currency (ISO code), written in the description makes
    /// the complaint a major-economic-loss emergency. A currency not listed is not compared.
    /// </summary>
    public Dictionary<string, decimal> MajorLoss { get; init; } = [];

    /// <summary>
    /// A sum is a loss only in a clause that says money was lost or taken ("被骗了三万", "£2,400 was
    /// withdrawn", "charged twice"): a price, a salary, savings held or money needed is none, whatever
    /// its size (the guide: money actually lost or taken).
    /// </summary>
    public List<string> MajorLossWhen { get; init; } = [];

    private IReadOnlyList<CustomerText.Phrase>? majorLossWhen;

    public IReadOnlyList<CustomerText.Phrase> MajorLossWhenPhrases =>
        majorLossWhen ??= CustomerText.Phrase.All(MajorLossWhen);

    /// <summary>The currency of sums written in 元, 块 or 万 alone in a description in Traditional script (TWD; HKD where the center serves Hong Kong).</summary>
    public string TraditionalScriptCurrency { get; init; } = "TWD";

    public TriageNegations Negations { get; init; } = new();

    /// <summary>
    /// Handling advice shown to the agent, keyed "style:venting", "motive:gain", "kind:suggestion" or
    /// "nuisance" (seeds 000, 001, 004: soothe first, reason with rules, record the idea...).
    /// </summary>
    public Dictionary<string, string> Guidance { get; init; } = [];

    /// <summary>How the rules and the model are weighed together.</summary>
    public TriageTuning Model { get; init; } = new();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static TriageRuleSet Load(string path)
    {
        var rules = JsonSerializer.Deserialize<TriageRuleSet>(File.ReadAllText(path), Json)
                    ?? throw new InvalidDataException($"{path} holds no triage rules");
        rules.Validate(path);
        return rules;
    }

    private void Validate(string path)
    {
        foreach (var rule in Rules)
        {
            if (string.IsNullOrWhiteSpace(rule.Name)) throw new InvalidDataException($"{path}: a rule has no name");
            if (rule.Aspect != TriageAspect.Complex && string.IsNullOrWhiteSpace(rule.Value))
                throw new InvalidDataException($"{path}: rule '{rule.Name}' sets {rule.Aspect} to nothing");
            if (rule.Keywords.Count + rule.Channels.Count + rule.Requests.Count + rule.Categories.Count + rule.Kinds.Count + rule.Emotions.Count + rule.Emergencies.Count == 0)
                throw new InvalidDataException($"{path}: rule '{rule.Name}' has no condition and would always fire");
        }
    }
}

public enum TriageAspect { Category, Kind, Style, Emotion, Motive, Nuisance, Expectation, Emergency, Complex }

public sealed class TriageRule
{
    public string Name { get; init; } = "";
    public TriageAspect Aspect { get; init; }
    public string Value { get; init; } = "";
    /// <summary>
    /// Any of these in the description, after folding (CustomerText): English ones as whole words
    /// ("fee" is not in "feel"; "overcharg*" is a prefix), Chinese ones anywhere.
    /// </summary>
    public List<string> Keywords { get; init; } = [];

    private IReadOnlyList<CustomerText.Phrase>? phrases;

    /// <summary>
    /// A category rule whose keywords the customer can negate ("这个问题不算危险"). Other aspects' keywords
    /// always can; most categories' cannot ("no idea why my bill doubled" is about the bill).
    /// </summary>
    public bool Negatable { get; init; }

    /// <summary>Wins even over a sure model (<see cref="TriageTuning.ModelFirst"/>): safety, which recall puts first.</summary>
    public bool OutranksModel { get; init; }

    /// <summary>
    /// The keyword counts only as the customer's own intent or act, not as what someone else said
    /// ("my husband says I should post it", "同事让我发小红书"): legal, regulator and media threats.
    /// A hazard someone else saw is still a hazard, so safety is not.
    /// </summary>
    public bool CustomersOwn { get; init; }

    /// <summary>Phrases the rule's keywords are not read in ("燃气费", "gas bill" for the safety rule's 燃气 and gas).</summary>
    public List<string> Unless { get; init; } = [];

    private IReadOnlyList<CustomerText.Phrase>? unlessPhrases;

    /// <summary>The "unless" phrases, compiled once.</summary>
    public IReadOnlyList<CustomerText.Phrase> UnlessPhrases => unlessPhrases ??= CustomerText.Phrase.All(Unless);

    /// <summary>The keywords, compiled once.</summary>
    public IReadOnlyList<CustomerText.Phrase> Phrases => phrases ??= CustomerText.Phrase.All(Keywords);
    /// <summary>Any of these channels ("regulator_hotline").</summary>
    public List<string> Channels { get; init; } = [];
    /// <summary>Any of these customer requests ("refund_or_compensation").</summary>
    public List<string> Requests { get; init; } = [];
    /// <summary>The complaint's category (decided first) is one of these.</summary>
    public List<string> Categories { get; init; } = [];
    /// <summary>The complaint's kind (decided after the category) is one of these.</summary>
    public List<string> Kinds { get; init; } = [];
    /// <summary>The customer's emotion (decided after the emergency flags) is one of these.</summary>
    public List<string> Emotions { get; init; } = [];
    /// <summary>One of these emergency flags was found (decided before the emotion); "any" for any flag.</summary>
    public List<string> Emergencies { get; init; } = [];
}

public sealed class TriageDefaults
{
    public string Category { get; init; } = "general";
    public string Kind { get; init; } = "transactional";
    public string Style { get; init; } = "venting";
    public string Emotion { get; init; } = "dissatisfied";
    public string Motive { get; init; } = "explanation";
}

public sealed class TriageTuning
{
    /// <summary>
    /// Where no rule speaks, the model decides these aspects when it is at least this sure; else (and for
    /// an aspect not listed) the default holds.
    /// </summary>
    public Dictionary<string, double> ModelDecides { get; init; } = [];
    /// <summary>A model at least this sure of another value than the rules' makes the decision uncertain.</summary>
    public double ModelDisagrees { get; init; } = 0.8;
    /// <summary>Aspects where, when rules vote for several values, the model picks among them (elsewhere the first rule wins).</summary>
    public List<string> ModelArbitrates { get; init; } = ["category"];
    /// <summary>Aspects where a model at least this sure decides before the rules (except a rule that outranks the model).</summary>
    public Dictionary<string, double> ModelFirst { get; init; } = [];
    /// <summary>A category decided with less confidence than this is flagged for review.</summary>
    public double ReviewBelow { get; init; } = 0.6;
    /// <summary>The model adds an expectation it gives at least this probability.</summary>
    public double LabelThreshold { get; init; } = 0.5;
    /// <summary>An emergency the model gives at least this probability, with no rule's signal, marks the triage for review.</summary>
    public double EmergencyThreshold { get; init; } = 0.5;
    /// <summary>
    /// An emergency the model gives at least this probability is flagged even without a rule's signal:
    /// recall first, on words no list foresaw. Above 1, the model never flags one.
    /// </summary>
    public double ModelFlagsEmergency { get; init; } = 2;
    /// <summary>
    /// How much one complaint of the first corpus counts in training, per aspect ("expectation" and
    /// "emergency" for the labels), beside one by an independent writer (1). The first corpus was written
    /// by the rules' author in one voice and labelled by one hand; where its conventions differ from
    /// the writers' (style), it teaches the model that voice. Aspects not listed count it fully.
    /// </summary>
    public Dictionary<string, double> FirstCorpusWeight { get; init; } = [];
    /// <summary>
    /// Emergencies the model never flags on its own, only a rule: a major loss needs a sum said to be
    /// lost, which the model cannot weigh against the threshold.
    /// </summary>
    public List<string> ModelNeverFlags { get; init; } = [];
    /// <summary>
    /// An emergency a rule found that the model gives less than this probability goes to review instead
    /// of to the crisis team: the rule's words can mean it, the complaint is nothing like one.
    /// </summary>
    public Dictionary<string, double> ModelDoubts { get; init; } = [];
    /// <summary>
    /// How much more a complaint that is an emergency of a kind counts in training that kind's model
    /// (at most the ratio of others to them): emergencies are rare, and unweighted the model learns
    /// to say "no" to all of them.
    /// </summary>
    public double EmergencyWeight { get; init; } = 1;
    /// <summary>A category the model chose (no rule spoke) raises its emergency (safety) when triage is at least this sure of it.</summary>
    public double ModelCategoryRaisesEmergency { get; init; }
}
