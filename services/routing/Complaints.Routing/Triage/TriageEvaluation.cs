using System.Text;
using Complaints.Contracts.Events;

namespace Complaints.Routing.Triage;

/// <summary>
/// How triage fares against the labelled corpus: accuracy per aspect, the category confusion
/// matrix, emergency recall and the false-emergency rate. Used by <c>complaints triage-eval</c> and
/// by the test that keeps the figures above the targets.
/// </summary>
public sealed class TriageEvaluation
{
    public static readonly IReadOnlyList<string> Aspects = ["category", "kind", "style", "emotion", "motive", "nuisance", "expectations", "emergency"];

    /// <summary>The targets of issue 11: per aspect, emergency recall, false emergencies.</summary>
    public const double AspectTarget = 0.90, RecallTarget = 0.98, FalseEmergencyTarget = 0.03;

    public int Count { get; private set; }
    public Dictionary<string, int> Correct { get; } = Aspects.ToDictionary(a => a, _ => 0);
    public Dictionary<(string Expected, string Actual), int> CategoryConfusion { get; } = [];
    public int Emergencies { get; private set; }
    public int EmergenciesCaught { get; private set; }
    public int NonEmergencies { get; private set; }
    public int FalseEmergencies { get; private set; }
    /// <summary>Complaints triage sent to a person to check (any review reason).</summary>
    public int Reviewed { get; private set; }
    /// <summary>Emergencies not flagged, but sent to a person to check: the uncertain middle, not lost.</summary>
    public int MissedButReviewed { get; private set; }
    /// <summary>Complaints whose category was not sent to review, and how many of those were right.</summary>
    public int CategoryTrusted { get; private set; }
    public int CategoryTrustedRight { get; private set; }
    public List<(LabelledComplaint Row, string Aspect, string Expected, string Actual, string Why)> Misses { get; } = [];

    public double Accuracy(string aspect) => Count == 0 ? 0 : (double)Correct[aspect] / Count;
    public double EmergencyRecall => Emergencies == 0 ? 1 : (double)EmergenciesCaught / Emergencies;
    public double FalseEmergencyRate => NonEmergencies == 0 ? 0 : (double)FalseEmergencies / NonEmergencies;

    public bool MeetsTargets =>
        Aspects.All(a => Accuracy(a) >= AspectTarget) && EmergencyRecall >= RecallTarget && FalseEmergencyRate <= FalseEmergencyTarget;

    /// <summary>Triages every row with the engine and compares. The row's own labels never reach the engine.</summary>
    public static TriageEvaluation Run(TriageEngine engine, IEnumerable<LabelledComplaint> rows)
    {
        var evaluation = new TriageEvaluation();
        foreach (var row in rows) evaluation.Add(row, engine.Triage(AsFiled(row)));
        return evaluation;
    }

    /// <summary>
    /// k-fold cross-validation over the training part: each fold is triaged by a model trained on the
    /// others. This is what tuning looks at, so the held-out part stays unseen.
    /// </summary>
    public static TriageEvaluation CrossValidate(TriageRuleSet rules, IReadOnlyList<LabelledComplaint> training, int folds = 5)
    {
        var evaluation = new TriageEvaluation();
        for (var fold = 0; fold < folds; fold++)
        {
            var learn = training.Where((_, i) => i % folds != fold).ToList();
            var engine = new TriageEngine(rules, TriageModel.TrainOn(learn, rules.Model));
            foreach (var row in training.Where((_, i) => i % folds == fold))
                evaluation.Add(row, engine.Triage(AsFiled(row)));
        }
        return evaluation;
    }

    /// <summary>
    /// Leave one writer out: each writer's complaints are triaged by a model trained on
    /// <paramref name="basis"/> and every other writer's, so no figure rests on a writer the model
    /// learnt from. Returns the whole and each writer's share.
    /// </summary>
    public static (TriageEvaluation All, SortedDictionary<string, TriageEvaluation> ByWriter) LeaveWritersOut(
        TriageRuleSet rules, IReadOnlyList<LabelledComplaint> basis, IReadOnlyList<LabelledComplaint> written)
    {
        var all = new TriageEvaluation();
        var byWriter = new SortedDictionary<string, TriageEvaluation>(StringComparer.Ordinal);
        foreach (var writer in written.Select(r => r.Writer!).Distinct())
        {
            var engine = new TriageEngine(rules, TriageModel.TrainOn([.. basis, .. written.Where(r => r.Writer != writer)], rules.Model));
            var own = byWriter[writer] = new TriageEvaluation();
            foreach (var row in written.Where(r => r.Writer == writer))
            {
                var result = engine.Triage(AsFiled(row));
                all.Add(row, result);
                own.Add(row, result);
            }
        }
        return (all, byWriter);
    }

    /// <summary>Triages each writer's complaints with one engine: the whole and each writer's share.</summary>
    public static (TriageEvaluation All, SortedDictionary<string, TriageEvaluation> ByWriter) RunByWriter(TriageEngine engine, IReadOnlyList<LabelledComplaint> written)
    {
        var all = new TriageEvaluation();
        var byWriter = new SortedDictionary<string, TriageEvaluation>(StringComparer.Ordinal);
        foreach (var row in written)
        {
            var result = engine.Triage(AsFiled(row));
            all.Add(row, result);
            if (!byWriter.TryGetValue(row.Writer!, out var own)) byWriter[row.Writer!] = own = new TriageEvaluation();
            own.Add(row, result);
        }
        return (all, byWriter);
    }

    /// <summary>One line per writer: where the figures spread.</summary>
    public static string SpreadReport(SortedDictionary<string, TriageEvaluation> byWriter)
    {
        var text = new StringBuilder("  per writer: category kind style emotion expectations emergency | recall false\n");
        foreach (var (writer, e) in byWriter)
            text.AppendLine($"    {writer} ({e.Count,3}) {e.Accuracy("category"),6:P0} {e.Accuracy("kind"),6:P0} {e.Accuracy("style"),6:P0} {e.Accuracy("emotion"),6:P0} " +
                            $"{e.Accuracy("expectations"),6:P0} {e.Accuracy("emergency"),6:P0} | {e.EmergenciesCaught}/{e.Emergencies} {e.FalseEmergencies}/{e.NonEmergencies}");
        return text.ToString();
    }

    public static ComplaintFiled AsFiled(LabelledComplaint row) =>
        new(Guid.Empty, row.Id, row.Channel, "corpus", "", "", "", row.Text, null, DateTimeOffset.UnixEpoch);

    private void Add(LabelledComplaint row, TriageResult result)
    {
        Count++;
        Compare("category", row.Category, result.Category);
        Compare("kind", row.Kind, result.Kind);
        Compare("style", row.Style, result.Style);
        Compare("emotion", row.Emotion, result.Emotion);
        Compare("motive", row.Motive, result.Motive);
        Compare("nuisance", row.Nuisance ? "yes" : "no", result.Nuisance ? "yes" : "no");
        Compare("expectations", Set(row.Expectations), Set(result.Expectations));
        Compare("emergency", Set(row.Emergency), Set(result.EmergencyFlags));
        CategoryConfusion[(row.Category, result.Category)] = CategoryConfusion.GetValueOrDefault((row.Category, result.Category)) + 1;
        if (result.ReviewReasons.Count > 0) Reviewed++;
        if (!result.ReviewReasons.Any(r => r.StartsWith("categ", StringComparison.Ordinal) || r.StartsWith("no category", StringComparison.Ordinal)))
        {
            CategoryTrusted++;
            if (row.Category == result.Category) CategoryTrustedRight++;
        }
        if (row.Emergency.Count > 0)
        {
            Emergencies++;
            if (result.EmergencyFlags.Count > 0) EmergenciesCaught++;
            else if (result.ReviewReasons.Count > 0) MissedButReviewed++;
        }
        else
        {
            NonEmergencies++;
            if (result.EmergencyFlags.Count > 0) FalseEmergencies++;
        }

        void Compare(string aspect, string expected, string actual)
        {
            if (expected == actual) Correct[aspect]++;
            else Misses.Add((row, aspect, expected, actual, string.Join("; ", result.Decisions
                .Where(d => aspect.StartsWith(d.Aspect, StringComparison.Ordinal))
                .Select(d => $"{d.Value} by {d.Rule}: {d.Reason}"))));
        }
    }

    private static string Set(IEnumerable<string> values) => string.Join("+", values.Order(StringComparer.Ordinal));

    public string Report(string title, bool showMisses = false)
    {
        var text = new StringBuilder();
        text.AppendLine($"{title}: {Count} complaints");
        foreach (var aspect in Aspects)
            text.AppendLine($"  {aspect,-13} {Accuracy(aspect),7:P1}  ({Correct[aspect]}/{Count}){(Accuracy(aspect) < AspectTarget ? "  below the 90% target" : "")}");
        text.AppendLine($"  emergency recall        {EmergencyRecall,7:P1}  ({EmergenciesCaught}/{Emergencies} emergencies marked as one; target at least {RecallTarget:P0})");
        text.AppendLine($"  false emergencies       {FalseEmergencyRate,7:P1}  ({FalseEmergencies}/{NonEmergencies} ordinary complaints marked as one; target at most {FalseEmergencyTarget:P0})");
        text.AppendLine($"  sent to review          {(Count == 0 ? 0 : (double)Reviewed / Count),7:P1}  ({Reviewed}/{Count}; of the emergencies not flagged, {MissedButReviewed} were sent to review)");
        text.AppendLine($"  category not reviewed   {(CategoryTrusted == 0 ? 0 : (double)CategoryTrustedRight / CategoryTrusted),7:P1}  right ({CategoryTrustedRight}/{CategoryTrusted} complaints whose category triage did not send to review)");
        var categories = CategoryConfusion.Keys.SelectMany(k => new[] { k.Expected, k.Actual }).Distinct().Order(StringComparer.Ordinal).ToList();
        text.AppendLine("  category confusion (rows: labelled, columns: decided)");
        var abbreviations = categories.Select(c => c.Length > 6 ? c[..6] : c).ToList();
        text.AppendLine($"    {"",-20}{string.Concat(abbreviations.Select(a => $"{a,7}"))}");
        foreach (var expected in categories)
            text.AppendLine($"    {expected,-20}{string.Concat(categories.Select(actual => $"{(CategoryConfusion.GetValueOrDefault((expected, actual)) is var n && n > 0 ? n.ToString() : "."),7}"))}");
        if (showMisses)
        {
            text.AppendLine("  misses:");
            foreach (var (row, aspect, expected, actual, why) in Misses.OrderBy(m => m.Aspect, StringComparer.Ordinal))
                text.AppendLine($"    {row.Id,-12} {aspect,-12} labelled {expected,-28} decided {actual,-28} {Truncate(row.Text)}\n{"",17}why: {why}");
        }
        return text.ToString();
    }

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
