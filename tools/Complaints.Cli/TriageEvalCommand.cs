using System.Diagnostics;
using Complaints.Routing.Triage;

namespace Complaints.Cli;

/// <summary><c>complaints triage-eval CORPUS</c>: how routing's triage fares on a labelled corpus.</summary>
public static class TriageEvalCommand
{
    public static int Run(string corpusPath, string? rulesPath, bool showMisses, string[] args)
    {
        if (!File.Exists(corpusPath))
        {
            Console.Error.WriteLine($"no corpus at {corpusPath}");
            return 2;
        }
        var crossValidationOnly = args.Contains("--cv-only");
        var rules = TriageRuleSet.Load(rulesPath ?? Path.Combine(AppContext.BaseDirectory, "triage-rules.json"));
        var corpus = TriageCorpus.Load(corpusPath);
        var writersAt = Array.IndexOf(args, "--writers");
        if (writersAt >= 0 && writersAt + 1 < args.Length) return RunWriters(rules, corpus, args[writersAt + 1], showMisses, crossValidationOnly);
        var training = corpus.Where(r => !r.IsHeldOut).ToList();
        var heldOut = corpus.Where(r => r.IsHeldOut).ToList();

        // Tuning looks at the cross-validation only: with --cv-only nothing of the held-out part is triaged or printed.
        if (!crossValidationOnly) Console.WriteLine(TriageEvaluation.Run(new TriageEngine(rules), heldOut).Report("rules alone, held-out part"));
        var crossValidated = TriageEvaluation.CrossValidate(rules, training);
        Console.WriteLine(crossValidated.Report("rules and model, 5-fold cross-validation on the training part", showMisses && crossValidationOnly));
        if (crossValidationOnly)
        {
            Console.WriteLine(TriageEvaluation.Run(new TriageEngine(rules), training).Report("rules alone, training part"));
            return crossValidated.MeetsTargets ? 0 : 1;
        }
        var clock = Stopwatch.StartNew();
        var engine = new TriageEngine(rules, TriageModel.Train(corpus, rules.Model));
        var trained = clock.Elapsed;
        var held = TriageEvaluation.Run(engine, heldOut);
        Console.WriteLine(held.Report("rules and model, held-out part (never trained on)", showMisses));
        // What triage costs per complaint (routing pays it on every filing): every corpus text, several rounds, warm.
        var timing = Stopwatch.StartNew();
        var rounds = 0;
        while (timing.Elapsed < TimeSpan.FromSeconds(2) || rounds < 2)
        {
            foreach (var row in corpus) engine.Triage(TriageEvaluation.AsFiled(row));
            rounds++;
        }
        Console.WriteLine($"triage costs {timing.Elapsed.TotalMilliseconds / (rounds * corpus.Count):0.00} ms per complaint ({rounds * corpus.Count} triaged)");
        Console.WriteLine($"trained on {engine.Model!.TrainedOn} complaints in {trained.TotalMilliseconds:0} ms; " +
                          $"{(held.MeetsTargets ? "the held-out figures meet the targets" : "the held-out figures miss a target")}");
        return held.MeetsTargets ? 0 : 1;
    }

    /// <summary>
    /// On the writer-independent corpus: leave-one-writer-out over the development writers (what
    /// tuning may look at, misses included with --misses), then, unless --cv-only, the held-out
    /// writers once, with a model trained on the first corpus and every development writer. Held-out
    /// misses are never printed.
    /// </summary>
    private static int RunWriters(TriageRuleSet rules, IReadOnlyList<LabelledComplaint> corpus, string writersPath, bool showMisses, bool developmentOnly)
    {
        var written = TriageCorpus.LoadWriters(writersPath);
        var basis = corpus.Where(r => !r.IsHeldOut).ToList();
        var development = written.Where(r => !r.IsHeldOut).ToList();
        var (left, leftByWriter) = TriageEvaluation.LeaveWritersOut(rules, basis, development);
        Console.WriteLine(left.Report($"rules and model, development writers, each left out in turn ({leftByWriter.Count} writers)", showMisses));
        Console.WriteLine(TriageEvaluation.SpreadReport(leftByWriter));
        // The model routing runs: the first corpus's training part and the development writers.
        var engine = new TriageEngine(rules, TriageModel.TrainOn([.. basis, .. development], rules.Model));
        Console.WriteLine(TriageEvaluation.Run(engine, corpus.Where(r => r.IsHeldOut).ToList())
            .Report("rules and model as routing learns, the first corpus's held-out part (one writer's voice)"));
        if (developmentOnly) return left.MeetsTargets ? 0 : 1;
        var (held, heldByWriter) = TriageEvaluation.RunByWriter(engine, written.Where(r => r.IsHeldOut).ToList());
        Console.WriteLine(held.Report($"rules and model, held-out writers (never trained or tuned on; {heldByWriter.Count} writers)"));
        Console.WriteLine(TriageEvaluation.SpreadReport(heldByWriter));
        return held.MeetsTargets ? 0 : 1;
    }
}
