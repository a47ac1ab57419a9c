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
        var engine = new TriageEngine(Rules, TriageModel.Train(Corpus));
        var evaluation = TriageEvaluation.Run(engine, Corpus.Where(c => c.IsHeldOut).ToList());

        // The targets that triage meets on the held-out part.
        foreach (var aspect in (string[])["kind", "style", "emotion", "motive", "nuisance", "emergency"])
            Assert.True(evaluation.Accuracy(aspect) >= TriageEvaluation.AspectTarget - 1e-9, evaluation.Report("held out"));
        // Floors at the figures measured once on the tenth held-out part (docs/triage.md), where they are
        // below the targets: a change may raise them, never lower them.
        Assert.True(evaluation.Accuracy("category") >= 132 / 150.0 - 1e-9, evaluation.Report("held out"));
        Assert.True(evaluation.Accuracy("expectations") >= 127 / 150.0 - 1e-9, evaluation.Report("held out"));
        Assert.True(evaluation.EmergencyRecall >= 25 / 27.0 - 1e-9, evaluation.Report("held out"));
        Assert.True(evaluation.FalseEmergencyRate <= 4 / 123.0 + 1e-9, evaluation.Report("held out"));
    }

    [Fact]
    public void The_model_never_sees_the_held_out_part()
    {
        var model = TriageModel.Train(Corpus);
        Assert.Equal(Corpus.Count(c => !c.IsHeldOut), model.TrainedOn);
    }
}
