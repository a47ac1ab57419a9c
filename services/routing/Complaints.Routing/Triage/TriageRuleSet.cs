using System.Text.Json;
using System.Text.Json.Serialization;
using Complaints.ServiceDefaults.Text;

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
            if (rule.Keywords.Count + rule.Channels.Count + rule.Requests.Count + rule.Categories.Count == 0)
                throw new InvalidDataException($"{path}: rule '{rule.Name}' has no condition and would always fire");
        }
    }
}

public enum TriageAspect { Category, Kind, Style, Emotion, Expectation, Emergency, Complex }

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

    /// <summary>The keywords, compiled once.</summary>
    public IReadOnlyList<CustomerText.Phrase> Phrases => phrases ??= Keywords.Select(k => new CustomerText.Phrase(k)).ToList();
    /// <summary>Any of these channels ("regulator_hotline").</summary>
    public List<string> Channels { get; init; } = [];
    /// <summary>Any of these customer requests ("refund_or_compensation").</summary>
    public List<string> Requests { get; init; } = [];
    /// <summary>The complaint's category (decided first) is one of these.</summary>
    public List<string> Categories { get; init; } = [];
}

public sealed class TriageDefaults
{
    public string Category { get; init; } = "general";
    public string Kind { get; init; } = "transactional";
    public string Style { get; init; } = "venting";
    public string Emotion { get; init; } = "dissatisfied";
}
