using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Complaints.Routing.Triage;

/// <summary>
/// The statistical half of triage: one logistic regression per aspect (and per expectation and
/// emergency flag), trained on labelled complaints (never a held-out part). Rules that must be
/// certain stay rules; the model decides where they are silent or where the tuning lets it speak
/// first. It is built once per corpus version (<c>complaints triage-train</c>, data/triage-model.bin)
/// and loaded at start; <see cref="VersionOf"/> names the examples and training settings it was
/// built from, so a model that does not match its corpus is never used unnoticed.
/// </summary>
public sealed class TriageModel
{
    public const string Yes = "yes";
    public const string No = "no";
    // Raised whenever features, training or the file's layout change: older files no longer match.
    private const string Format = "complaints-triage-model/2 (softmax regression; features: TextFeatures v1)";
    private static readonly byte[] Magic = "CTM2"u8.ToArray();

    private readonly Dictionary<string, SoftmaxRegression> models;

    public int TrainedOn { get; }

    /// <summary>The <see cref="VersionOf"/> of the examples and tuning it was trained on.</summary>
    public string Version { get; }

    private TriageModel(Dictionary<string, SoftmaxRegression> models, int trainedOn, string version)
    {
        this.models = models;
        TrainedOn = trainedOn;
        Version = version;
    }

    public static readonly IReadOnlyList<string> Expectations = ["speed", "respect", "money", "reliability", "flexibility", "fairness"];
    public static readonly IReadOnlyList<string> EmergencyFlags = ["safety", "legal_threat", "major_economic_loss", "regulator_exposure", "media_exposure"];

    /// <summary>Trains on the examples that are not held out.</summary>
    public static TriageModel Train(IEnumerable<LabelledComplaint> corpus, TriageTuning tuning) => TrainOn(corpus.Where(c => !c.IsHeldOut).ToList(), tuning);

    /// <summary>Trains on exactly these examples (cross-validation folds).</summary>
    public static TriageModel TrainOn(IReadOnlyList<LabelledComplaint> examples, TriageTuning tuning)
    {
        var byModel = new Dictionary<string, List<(IReadOnlySet<string>, string, double)>>(StringComparer.Ordinal);
        foreach (var example in examples)
        {
            var features = TextFeatures.Of(example.Text);
            // The first corpus was written in one voice and labelled by one hand; the tuning says how much it teaches each aspect.
            double Weight(string aspect) => example.Source == "writer" ? 1 : tuning.FirstCorpusWeight.GetValueOrDefault(aspect, 1);
            Learn("category", example.Category);
            Learn("kind", example.Kind);
            Learn("style", example.Style);
            Learn("emotion", example.Emotion);
            Learn("motive", example.Motive);
            Learn("nuisance", example.Nuisance ? Yes : No);
            foreach (var expectation in Expectations)
                Learn("expectation:" + expectation, example.Expectations.Contains(expectation) ? Yes : No, "expectation");
            foreach (var flag in EmergencyFlags)
                Learn("emergency:" + flag, example.Emergency.Contains(flag) ? Yes : No, "emergency");

            void Learn(string model, string value, string? aspect = null)
            {
                if (!byModel.TryGetValue(model, out var list)) byModel[model] = list = [];
                list.Add((features, value, Weight(aspect ?? model)));
            }
        }
        var models = new Dictionary<string, SoftmaxRegression>(StringComparer.Ordinal);
        Parallel.ForEach(byModel, pair =>
        {
            var training = pair.Value;
            if (pair.Key.StartsWith("emergency:", StringComparison.Ordinal))
            {
                // Emergencies are rare: unweighted, the model learns to say "no" to every one of them.
                var positives = training.Count(e => e.Item2 == Yes);
                var weight = Math.Min(tuning.EmergencyWeight, (training.Count - positives) / (double)Math.Max(1, positives));
                training = training.Select(e => e.Item2 == Yes ? (e.Item1, e.Item2, e.Item3 * weight) : e).ToList();
            }
            var model = SoftmaxRegression.Train(training);
            lock (models) models[pair.Key] = model;
        });
        return new TriageModel(models, examples.Count, VersionOf(examples, tuning));
    }

    /// <summary>
    /// The model for these examples and tuning: the one built beforehand at <paramref name="modelFile"/>
    /// when it was built from exactly them, else trained now, with the reason in <paramref name="trainedBecause"/>.
    /// </summary>
    public static TriageModel Prebuilt(string modelFile, IReadOnlyList<LabelledComplaint> examples, TriageTuning tuning, out string? trainedBecause)
    {
        var version = VersionOf(examples, tuning);
        if (!File.Exists(modelFile))
            trainedBecause = $"no model file at {modelFile}";
        else
        {
            using var file = File.OpenRead(modelFile);
            var built = Load(file);
            if (built.Version == version)
            {
                trainedBecause = null;
                return built;
            }
            trainedBecause = $"the model file was built from corpus version {built.Version[..12]}, the corpus and tuning are version {version[..12]}";
        }
        return TrainOn(examples, tuning);
    }

    /// <summary>
    /// A digest of what a model learns from: every example's text and labels in order, the tuning's
    /// training settings and the model's format. Two models of one version are the same model.
    /// </summary>
    public static string VersionOf(IReadOnlyList<LabelledComplaint> examples, TriageTuning tuning)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s) => hash.AppendData(Encoding.UTF8.GetBytes(s + "\n"));
        Add(Format);
        Add(JsonSerializer.Serialize(new { tuning.FirstCorpusWeight, tuning.EmergencyWeight }));
        foreach (var e in examples)
            Add(JsonSerializer.Serialize(new { e.Text, e.Source, e.Category, e.Kind, e.Style, e.Emotion, e.Motive, e.Nuisance, e.Expectations, e.Emergency }));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Every value's probability for a single-valued aspect, highest first; empty for an aspect the model never saw.</summary>
    public IReadOnlyList<(string Label, double Probability)> Predict(string aspect, IReadOnlySet<string> features) =>
        models.TryGetValue(aspect, out var model) ? model.Predict(features) : [];

    /// <summary>The probability that a label (an expectation or an emergency flag) applies.</summary>
    public double Probability(string kind, string label, IReadOnlySet<string> features) =>
        models.TryGetValue(kind + ":" + label, out var model)
            ? model.Predict(features).FirstOrDefault(p => p.Label == Yes).Probability
            : 0;

    public void Save(Stream stream)
    {
        using var compressed = new BrotliStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
        using var writer = new BinaryWriter(compressed, Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(TrainedOn);
        // One table of every feature, shared by all the models: most features are weighed by several.
        var table = models.Values.SelectMany(m => m.Features).Distinct().Order(StringComparer.Ordinal).Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i, StringComparer.Ordinal);
        writer.Write(table.Count);
        foreach (var (feature, _) in table.OrderBy(p => p.Value)) writer.Write(feature);
        writer.Write(models.Count);
        foreach (var (name, model) in models.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.Write(name);
            model.Write(writer, table);
        }
    }

    public static TriageModel Load(Stream stream)
    {
        using var compressed = new BrotliStream(stream, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new BinaryReader(compressed, Encoding.UTF8);
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException("not a triage model of this format (build it with `complaints triage-train`)");
        var version = reader.ReadString();
        var trainedOn = reader.ReadInt32();
        var table = new string[reader.ReadInt32()];
        for (var i = 0; i < table.Length; i++) table[i] = reader.ReadString();
        var models = new Dictionary<string, SoftmaxRegression>(StringComparer.Ordinal);
        for (var count = reader.ReadInt32(); count > 0; count--) models[reader.ReadString()] = SoftmaxRegression.Read(reader, table);
        return new TriageModel(models, trainedOn, version);
    }
}
