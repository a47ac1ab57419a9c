namespace Complaints.Routing.Triage;

/// <summary>
/// A multinomial naive Bayes classifier over binary features (each feature counted once per text),
/// with add-one smoothing. Small labelled corpora suit it: it trains in milliseconds, needs no tuning
/// beyond the smoothing, and every score can be traced back to the words that made it.
/// </summary>
public sealed class NaiveBayes
{
    private readonly Dictionary<string, Dictionary<string, int>> featureCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> totalFeatures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> documents = new(StringComparer.Ordinal);
    private readonly HashSet<string> vocabulary = new(StringComparer.Ordinal);
    private int documentCount;

    public IReadOnlyCollection<string> Classes => documents.Keys;

    public void Learn(IReadOnlySet<string> features, string label)
    {
        documentCount++;
        documents[label] = documents.GetValueOrDefault(label) + 1;
        if (!featureCounts.TryGetValue(label, out var counts)) featureCounts[label] = counts = new(StringComparer.Ordinal);
        foreach (var feature in features)
        {
            counts[feature] = counts.GetValueOrDefault(feature) + 1;
            totalFeatures[label] = totalFeatures.GetValueOrDefault(label) + 1;
            vocabulary.Add(feature);
        }
    }

    /// <summary>The probability of every class for these features, highest first (an empty list before any learning).</summary>
    public IReadOnlyList<(string Label, double Probability)> Predict(IReadOnlySet<string> features)
    {
        if (documentCount == 0) return [];
        var scores = new List<(string Label, double Score)>(documents.Count);
        foreach (var (label, count) in documents)
        {
            var counts = featureCounts[label];
            var denominator = Math.Log(totalFeatures.GetValueOrDefault(label) + vocabulary.Count + 1.0);
            var score = Math.Log((double)count / documentCount);
            foreach (var feature in features)
            {
                // Features never seen in training say nothing about any class.
                if (!vocabulary.Contains(feature)) continue;
                score += Math.Log(counts.GetValueOrDefault(feature) + 1.0) - denominator;
            }
            scores.Add((label, score));
        }
        var max = scores.Max(s => s.Score);
        var sum = scores.Sum(s => Math.Exp(s.Score - max));
        return scores.Select(s => (s.Label, Math.Exp(s.Score - max) / sum)).OrderByDescending(s => s.Item2).ToList();
    }
}
