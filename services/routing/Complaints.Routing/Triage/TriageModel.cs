namespace Complaints.Routing.Triage;

/// <summary>
/// The statistical half of triage: one naive Bayes classifier per aspect, trained on labelled
/// complaints (the corpus's training part, never its held-out part). Rules that must be certain stay
/// rules; the model decides where they are silent and arbitrates where they conflict.
/// </summary>
public sealed class TriageModel
{
    public const string Yes = "yes";
    public const string No = "no";

    private readonly Dictionary<string, NaiveBayes> single = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NaiveBayes> labels = new(StringComparer.Ordinal);

    public int TrainedOn { get; }

    private TriageModel(IReadOnlyList<LabelledComplaint> examples)
    {
        TrainedOn = examples.Count;
        foreach (var example in examples)
        {
            var features = TextFeatures.Of(example.Text);
            Learn("category", example.Category);
            Learn("kind", example.Kind);
            Learn("style", example.Style);
            Learn("emotion", example.Emotion);
            Learn("motive", example.Motive);
            Learn("nuisance", example.Nuisance ? Yes : No);
            foreach (var expectation in Expectations)
                LearnLabel("expectation:" + expectation, example.Expectations.Contains(expectation));
            foreach (var flag in EmergencyFlags)
                LearnLabel("emergency:" + flag, example.Emergency.Contains(flag));

            void Learn(string aspect, string value)
            {
                if (!single.TryGetValue(aspect, out var model)) single[aspect] = model = new NaiveBayes();
                model.Learn(features, value);
            }

            void LearnLabel(string label, bool present)
            {
                if (!labels.TryGetValue(label, out var model)) labels[label] = model = new NaiveBayes();
                model.Learn(features, present ? Yes : No);
            }
        }
    }

    public static readonly IReadOnlyList<string> Expectations = ["speed", "respect", "money", "reliability", "flexibility", "fairness"];
    public static readonly IReadOnlyList<string> EmergencyFlags = ["safety", "legal_threat", "major_economic_loss", "regulator_exposure", "media_exposure"];

    /// <summary>Trains on the examples that are not held out.</summary>
    public static TriageModel Train(IEnumerable<LabelledComplaint> corpus) => new(corpus.Where(c => !c.IsHeldOut).ToList());

    /// <summary>Trains on exactly these examples (cross-validation folds).</summary>
    public static TriageModel TrainOn(IReadOnlyList<LabelledComplaint> examples) => new(examples);

    /// <summary>Every value's probability for a single-valued aspect, highest first; empty for an aspect the model never saw.</summary>
    public IReadOnlyList<(string Label, double Probability)> Predict(string aspect, IReadOnlySet<string> features) =>
        single.TryGetValue(aspect, out var model) ? model.Predict(features) : [];

    /// <summary>The probability that a label (an expectation or an emergency flag) applies.</summary>
    public double Probability(string kind, string label, IReadOnlySet<string> features) =>
        labels.TryGetValue(kind + ":" + label, out var model)
            ? model.Predict(features).FirstOrDefault(p => p.Label == Yes).Probability
            : 0;
}
