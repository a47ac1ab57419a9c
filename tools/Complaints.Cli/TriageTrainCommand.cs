using System.Diagnostics;
using Complaints.Routing.Triage;

namespace Complaints.Cli;

/// <summary>
/// <c>complaints triage-train CORPUS --writers FILE --rules FILE --out FILE</c>: builds triage's model
/// once for this corpus version, as routing would learn it, and writes it where routing loads it
/// (data/triage-model.bin by default in the repository). Prints the version, the size and how long
/// triage takes per complaint with it.
/// </summary>
public static class TriageTrainCommand
{
    public static int Run(string corpusPath, string? writersPath, string? rulesPath, string? outPath)
    {
        if (!File.Exists(corpusPath) || writersPath is null || !File.Exists(writersPath) || rulesPath is null || !File.Exists(rulesPath) || outPath is null)
        {
            Console.Error.WriteLine("usage: complaints triage-train CORPUS --writers FILE --rules FILE --out FILE (every input must exist)");
            return 2;
        }
        var rules = TriageRuleSet.Load(rulesPath);
        var examples = TriageCorpus.TrainingExamples(corpusPath, writersPath);
        var clock = Stopwatch.StartNew();
        var model = TriageModel.TrainOn(examples, rules.Model);
        var trained = clock.Elapsed;
        using (var file = File.Create(outPath)) model.Save(file);
        Console.WriteLine($"trained on {model.TrainedOn} complaints in {trained.TotalSeconds:F1} s; version {model.Version}");
        Console.WriteLine($"wrote {outPath} ({new FileInfo(outPath).Length / 1024.0:F0} KiB)");

        // How long one triage takes with it: every complaint of both corpora, after a warm-up pass.
        var engine = new TriageEngine(rules, model);
        var texts = TriageCorpus.Load(corpusPath).Concat(TriageCorpus.LoadWriters(writersPath)).Select(TriageEvaluation.AsFiled).ToList();
        foreach (var complaint in texts.Take(200)) engine.Triage(complaint);
        clock.Restart();
        foreach (var complaint in texts) engine.Triage(complaint);
        Console.WriteLine($"triage: {clock.Elapsed.TotalMilliseconds / texts.Count:F2} ms per complaint on one core ({texts.Count} complaints)");
        return 0;
    }
}
