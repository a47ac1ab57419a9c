using Complaints.Routing.Triage;

namespace Complaints.Tests.Unit;

/// <summary>
/// The labelled corpus (data/triage-corpus.jsonl) is what the issue asked for, and triage keeps the
/// figures measured on its held-out part (docs/triage.md): these tests fail when a change to the rules
/// or the model makes triage worse than that.
/// </summary>
public sealed class TriageCorpusTests
{
    private static readonly IReadOnlyList<LabelledComplaint> Corpus = TriageCorpus.Load(Path.Combine(AppContext.BaseDirectory, "triage-corpus.jsonl"));
    private static readonly TriageRuleSet Rules = TriageRuleSet.Load(Path.Combine(AppContext.BaseDirectory, "triage-rules.json"));

    [Fact]
    public void The_corpus_has_the_size_languages_traps_and_seed_cases_asked_for()
    {
        Assert.True(Corpus.Count >= 400, $"{Corpus.Count} complaints");
        foreach (var lang in (string[])["zh-Hans", "zh-Hant", "en"])
            Assert.True(Corpus.Count(c => c.Lang == lang) >= 100, lang);
        Assert.True(Corpus.Count(c => c.Trap) >= Corpus.Count / 4, "a quarter written as traps");
        Assert.Contains(Corpus, c => c.Source == "seed 004" && c.Text.Contains("投诉至了96169", StringComparison.Ordinal));
        Assert.Contains(Corpus, c => c.Source == "seed 000" && c.Text.Contains("每天都有十几个电话打错了", StringComparison.Ordinal));
        // The held-out part is written fresh for each measurement; earlier held-out parts join training
        // (wasHeldOut) once they have been looked at, so it is a smaller share of a growing corpus.
        var heldOut = Corpus.Count(c => c.IsHeldOut);
        Assert.InRange(heldOut, 150, Corpus.Count / 3);
        foreach (var lang in (string[])["zh-Hans", "zh-Hant", "en"])
            Assert.True(Corpus.Count(c => c.IsHeldOut && c.Lang == lang) >= 50, lang);
        // No text is in both parts: the held-out figures would flatter the model.
        Assert.Empty(Corpus.Where(c => c.IsHeldOut).Select(c => c.Text).Intersect(Corpus.Where(c => !c.IsHeldOut).Select(c => c.Text)));
        foreach (var category in Corpus.Select(c => c.Category).Distinct())
            Assert.Contains(Corpus, c => c.IsHeldOut && c.Category == category);
    }

    [Fact]
    public void Triage_keeps_its_measured_figures_on_the_held_out_part()
    {
        // As routing learns: this corpus's training part and the independent writers' development part.
        var written = TriageCorpus.LoadWriters(Path.Combine(AppContext.BaseDirectory, "triage-writers.jsonl"));
        var engine = new TriageEngine(Rules, TriageModel.Train([.. Corpus, .. written], Rules.Model));
        var evaluation = TriageEvaluation.Run(engine, Corpus.Where(c => c.IsHeldOut).ToList());
        var report = evaluation.Report("held out");

        // The targets that triage meets on the held-out part.
        foreach (var aspect in (string[])["kind", "emotion", "motive", "nuisance", "emergency"])
            Assert.True(evaluation.Accuracy(aspect) >= TriageEvaluation.AspectTarget - 1e-9, report);
        // Floors at the figures measured on the tenth held-out part (docs/triage.md): a change may raise
        // them, never lower them. Style and expectations are learnt from the independent writers, whose
        // labelling guide names "negotiating" wherever a remedy is asked for and always one expectation;
        // this corpus was labelled by one hand with another reading (81% venting, 16% expecting nothing),
        // so on it they fall far below the targets.
        Assert.True(evaluation.Accuracy("category") >= 134 / 150.0 - 1e-9, report);
        Assert.True(evaluation.Accuracy("style") >= 112 / 150.0 - 1e-9, report);
        Assert.True(evaluation.Accuracy("expectations") >= 46 / 150.0 - 1e-9, report);
        Assert.True(evaluation.EmergencyRecall >= 25 / 27.0 - 1e-9, report);
        Assert.True(evaluation.FalseEmergencyRate <= 2 / 123.0 + 1e-9, report);
    }

    [Fact]
    public void The_model_never_sees_the_held_out_part()
    {
        var model = TriageModel.Train(Corpus, Rules.Model);
        Assert.Equal(Corpus.Count(c => !c.IsHeldOut), model.TrainedOn);
    }

    [Fact]
    public void The_model_routing_loads_was_built_from_this_corpus_and_these_rules_and_training_again_gives_the_same_model()
    {
        var examples = TriageCorpus.TrainingExamples(Path.Combine(AppContext.BaseDirectory, "triage-corpus.jsonl"), Path.Combine(AppContext.BaseDirectory, "triage-writers.jsonl"));
        var file = Path.Combine(AppContext.BaseDirectory, "triage-model.bin");
        var prebuilt = File.ReadAllBytes(file);
        var loaded = TriageModel.Load(new MemoryStream(prebuilt));
        Assert.True(loaded.Version == TriageModel.VersionOf(examples, Rules.Model),
            "data/triage-model.bin was not built from today's corpus, writers and tuning: run " +
            "`complaints triage-train data/triage-corpus.jsonl --writers data/triage-writers.jsonl --rules services/routing/Complaints.Routing/triage-rules.json --out data/triage-model.bin`");
        Assert.Equal(examples.Count, loaded.TrainedOn);

        // Training is deterministic: the committed model is exactly what its corpus gives, byte for byte.
        var trained = new MemoryStream();
        TriageModel.TrainOn(examples, Rules.Model).Save(trained);
        Assert.True(prebuilt.AsSpan().SequenceEqual(trained.ToArray()), "training the same corpus twice gave different models");

        // And routing takes it instead of training at start.
        var model = TriageModel.Prebuilt(file, examples, Rules.Model, out var trainedBecause);
        Assert.Null(trainedBecause);
        Assert.Equal(loaded.Version, model.Version);
        Assert.NotNull(TriageModel.Prebuilt(Path.Combine(AppContext.BaseDirectory, "no-such-model.bin"), examples, Rules.Model, out var missing).Version);
        Assert.Contains("no model file", missing);
    }
}

/// <summary>
/// The writer-independent corpus (data/triage-writers.jsonl): its make-up, and triage's figures on the
/// writers it never learnt from, which may rise but never fall (docs/triage.md has them).
/// </summary>
public sealed class TriageWritersTests
{
    private static readonly IReadOnlyList<LabelledComplaint> Basis = TriageCorpus.Load(Path.Combine(AppContext.BaseDirectory, "triage-corpus.jsonl"));
    private static readonly IReadOnlyList<LabelledComplaint> Written = TriageCorpus.LoadWriters(Path.Combine(AppContext.BaseDirectory, "triage-writers.jsonl"));
    private static readonly TriageRuleSet Rules = TriageRuleSet.Load(Path.Combine(AppContext.BaseDirectory, "triage-rules.json"));

    [Fact]
    public void The_corpus_comes_from_sixteen_writers_with_traps_emergencies_and_four_writers_held_out()
    {
        Assert.True(Written.Count >= 1600, $"{Written.Count} complaints");
        Assert.True(Written.Select(r => r.Writer).Distinct().Count() >= 16);
        Assert.True(Written.Count(r => r.Trap) >= Written.Count / 3, "a third written as traps");
        foreach (var flag in (string[])["safety", "legal_threat", "regulator_exposure", "media_exposure", "major_economic_loss"])
            Assert.True(Written.Count(r => r.Emergency.Contains(flag)) >= 30, flag);
        var heldOutWriters = Written.Where(r => r.IsHeldOut).Select(r => r.Writer).Distinct().ToList();
        Assert.Equal(4, heldOutWriters.Count);
        // A writer is wholly in one part: held-out figures never rest on a voice the model learnt.
        Assert.Empty(Written.Where(r => !r.IsHeldOut).Select(r => r.Writer).Intersect(heldOutWriters));
    }

    [Fact]
    public void Triage_keeps_its_measured_figures_on_the_held_out_writers()
    {
        // As routing learns: the first corpus's training part and the development writers.
        var engine = new TriageEngine(Rules, TriageModel.Train([.. Basis, .. Written], Rules.Model));
        Assert.Equal(Basis.Count(r => !r.IsHeldOut) + Written.Count(r => !r.IsHeldOut), engine.Model!.TrainedOn);
        var evaluation = TriageEvaluation.Run(engine, Written.Where(r => r.IsHeldOut).ToList());
        // Floors at the figures measured once on the held-out writers (docs/triage.md), far below the
        // issue's targets: a change may raise them, never lower them.
        var report = evaluation.Report("held-out writers");
        Assert.True(evaluation.Accuracy("category") >= 290 / 400.0 - 1e-9, report);
        Assert.True(evaluation.Accuracy("kind") >= 365 / 400.0 - 1e-9, report);
        Assert.True(evaluation.Accuracy("style") >= 320 / 400.0 - 1e-9, report);
        Assert.True(evaluation.Accuracy("emotion") >= 295 / 400.0 - 1e-9, report);
        Assert.True(evaluation.Accuracy("expectations") >= 229 / 400.0 - 1e-9, report);
        Assert.True(evaluation.EmergencyRecall >= 62 / 91.0 - 1e-9, report);
        Assert.True(evaluation.FalseEmergencyRate <= 28 / 309.0 + 1e-9, report);
    }
}
