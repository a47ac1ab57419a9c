namespace Complaints.Routing.Triage;

/// <summary>
/// Multinomial logistic regression over binary text features, each text's features scaled to unit
/// length. Discriminative: it learns which features separate the classes, so the words every
/// complaint shares ("charged", "钱", "refund") weigh little unless they tell classes apart, where
/// naive Bayes counted each of them as independent evidence and grew overconfident. Trained by
/// AdaGrad with L2 regularisation on a fixed shuffle, so the same examples give the same weights.
/// </summary>
public sealed class SoftmaxRegression
{
    /// <summary>Weights smaller than this are dropped after training: they change no decision and would fill the model file.</summary>
    public const float Negligible = 1e-3f;

    private readonly string[] classes;
    private readonly Dictionary<string, int> featureIndex;
    // weights[feature * classes + class]; the bias is its own row at the end.
    private readonly float[] weights;

    private SoftmaxRegression(string[] classes, Dictionary<string, int> featureIndex, float[] weights)
    {
        this.classes = classes;
        this.featureIndex = featureIndex;
        this.weights = weights;
    }

    public IReadOnlyList<string> Classes => classes;

    public sealed record Options(int Epochs = 30, double LearningRate = 0.5, double L2 = 1e-4, int Seed = 17);

    /// <summary>Learns from weighted examples (a weight of 0 teaches nothing, 2 counts twice).</summary>
    public static SoftmaxRegression Train(IReadOnlyList<(IReadOnlySet<string> Features, string Label, double Weight)> examples, Options? options = null)
    {
        options ??= new Options();
        var classes = examples.Select(e => e.Label).Distinct().Order(StringComparer.Ordinal).ToArray();
        var classOf = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var featureIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        // Features in a fixed order (first seen, examples in their given order), so weights are reproducible.
        var encoded = examples.Select(e => (
            Features: e.Features.Order(StringComparer.Ordinal).Select(f => featureIndex.TryGetValue(f, out var i) ? i : featureIndex[f] = featureIndex.Count).ToArray(),
            Label: classOf[e.Label], e.Weight)).ToArray();
        var k = classes.Length;
        var bias = featureIndex.Count;
        var weights = new float[(featureIndex.Count + 1) * k];
        if (k < 2) return new SoftmaxRegression(classes, [], new float[k]);
        var squares = new float[weights.Length];
        var probabilities = new double[k];
        var order = Enumerable.Range(0, encoded.Length).ToArray();
        var random = new Random(options.Seed);

        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var n in order)
            {
                var (features, label, weight) = encoded[n];
                if (weight == 0) continue;
                var value = features.Length == 0 ? 0 : 1 / Math.Sqrt(features.Length);
                Scores(weights, k, bias, features, value, probabilities);
                for (var c = 0; c < k; c++)
                {
                    var error = (probabilities[c] - (c == label ? 1 : 0)) * weight;
                    foreach (var f in features) Step(f * k + c, error * value);
                    Step(bias * k + c, error);
                }
            }
        }
        // Rounded as the model file keeps them, so a model trained now and one loaded decide alike.
        for (var i = 0; i < weights.Length; i++) weights[i] = (float)(Half)weights[i];
        return Pruned(classes, featureIndex, weights);

        void Step(int at, double gradient)
        {
            gradient += options.L2 * weights[at];
            squares[at] += (float)(gradient * gradient);
            weights[at] -= (float)(options.LearningRate * gradient / Math.Sqrt(squares[at] + 1e-8));
        }
    }

    /// <summary>Keeps the features with a weight that matters for some class.</summary>
    private static SoftmaxRegression Pruned(string[] classes, Dictionary<string, int> featureIndex, float[] weights)
    {
        var k = classes.Length;
        var kept = new Dictionary<string, int>(StringComparer.Ordinal);
        var keptWeights = new List<float>();
        foreach (var (feature, index) in featureIndex.OrderBy(p => p.Value))
        {
            var row = weights.AsSpan(index * k, k);
            var matters = false;
            foreach (var w in row) matters |= Math.Abs(w) >= Negligible;
            if (!matters) continue;
            kept[feature] = kept.Count;
            keptWeights.AddRange(row.ToArray());
        }
        keptWeights.AddRange(weights.AsSpan(featureIndex.Count * k, k).ToArray());
        return new SoftmaxRegression(classes, kept, [.. keptWeights]);
    }

    /// <summary>The probability of every class for these features, highest first.</summary>
    public IReadOnlyList<(string Label, double Probability)> Predict(IReadOnlySet<string> features)
    {
        if (classes.Length == 0) return [];
        if (classes.Length == 1) return [(classes[0], 1.0)];
        var known = features.Select(f => featureIndex.TryGetValue(f, out var i) ? i : -1).Where(i => i >= 0).ToArray();
        // Scaled by all the text's features, known or not (as in training, where every feature was known):
        // the pruned features and a long text of unseen words weigh as they did.
        var value = features.Count == 0 ? 0 : 1 / Math.Sqrt(features.Count);
        var probabilities = new double[classes.Length];
        Scores(weights, classes.Length, featureIndex.Count, known, value, probabilities);
        return probabilities.Select((p, c) => (classes[c], p)).OrderByDescending(p => p.p).ToList();
    }

    private static void Scores(float[] weights, int k, int bias, int[] features, double value, double[] probabilities)
    {
        for (var c = 0; c < k; c++)
        {
            double score = weights[bias * k + c];
            foreach (var f in features) score += weights[f * k + c] * value;
            probabilities[c] = score;
        }
        var max = probabilities.Max();
        double sum = 0;
        for (var c = 0; c < k; c++) sum += probabilities[c] = Math.Exp(probabilities[c] - max);
        for (var c = 0; c < k; c++) probabilities[c] /= sum;
    }

    /// <summary>The features this model weighs, for a table of them shared by several models.</summary>
    public IEnumerable<string> Features => featureIndex.Keys;

    /// <summary>Writes the model, each feature as its place in the shared table.</summary>
    public void Write(BinaryWriter writer, IReadOnlyDictionary<string, int> table)
    {
        writer.Write(classes.Length);
        foreach (var c in classes) writer.Write(c);
        writer.Write(featureIndex.Count);
        foreach (var (feature, _) in featureIndex.OrderBy(p => p.Value)) writer.Write7BitEncodedInt(table[feature]);
        // Half precision: three significant digits are more than the training's noise, and the file halves.
        writer.Write(weights.Length);
        foreach (var w in weights) writer.Write((Half)w);
    }

    public static SoftmaxRegression Read(BinaryReader reader, IReadOnlyList<string> table)
    {
        var classes = new string[reader.ReadInt32()];
        for (var i = 0; i < classes.Length; i++) classes[i] = reader.ReadString();
        var count = reader.ReadInt32();
        var featureIndex = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++) featureIndex[table[reader.Read7BitEncodedInt()]] = i;
        var weights = new float[reader.ReadInt32()];
        for (var i = 0; i < weights.Length; i++) weights[i] = (float)reader.ReadHalf();
        if (weights.Length != (classes.Length < 2 ? classes.Length : (count + 1) * classes.Length))
            throw new InvalidDataException($"a model of {classes.Length} classes and {count} features cannot have {weights.Length} weights");
        return new SoftmaxRegression(classes, featureIndex, weights);
    }
}
