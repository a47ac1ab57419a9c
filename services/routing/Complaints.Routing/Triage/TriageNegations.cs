using System.Text.RegularExpressions;
using Complaints.Domain.Text;

namespace Complaints.Routing.Triage;

/// <summary>
/// Negation, kept simple enough to trust: a description is cut into clauses at punctuation and at
/// "but" (the customer turns to another point there), and an emergency keyword preceded by a negator
/// in its own clause ("I have no intention of suing", "也不会找媒体") does not count. A negator after the
/// keyword, in another clause or more than a few words before it changes nothing: "if you don't
/// refund me, my lawyer will call".
/// </summary>
public sealed class TriageNegations
{
    /// <summary>Negators written before what they negate (English words, Chinese phrases).</summary>
    public List<string> Negators { get; init; } = [];
    /// <summary>Words that end a clause besides punctuation ("but", "但是").</summary>
    public List<string> ClauseBreaks { get; init; } = [];
    /// <summary>
    /// English words that start a new statement a negator does not reach past ("if the charge isn't
    /// reversed by Friday my lawyer will call"): subjects and their possessives.
    /// </summary>
    public List<string> NewSubjects { get; init; } = [];

    /// <summary>
    /// Someone else speaking ("my wife says", "thinks I should", "老公说", "让我"): a threat after one of
    /// these in its clause is reported, not the customer's own.
    /// </summary>
    public List<string> Reporters { get; init; } = [];

    private IReadOnlyList<CustomerText.Phrase>? negators;
    private IReadOnlyList<CustomerText.Phrase>? reporters;
    private IReadOnlySet<string>? subjects;
    private Regex? breaks;

    public IReadOnlyList<Clause> Split(string normalized)
    {
        negators ??= CustomerText.Phrase.All(Negators);
        reporters ??= CustomerText.Phrase.All(Reporters);
        subjects ??= NewSubjects.ToHashSet(StringComparer.Ordinal);
        breaks ??= new Regex(
            string.Join("|", ClauseBreaks.Select(b => CustomerText.IsLatin(b) ? $@"(?<![a-z]){Regex.Escape(b)}(?![a-z])" : Regex.Escape(b))
                // A comma or a point between digits is part of a number ("$4,500", "3.5").
                .Prepend(@"(?<!\d)[,.]|[,.](?!\d)|[;:!?\n，。；：！？、]")),
            RegexOptions.Compiled | RegexOptions.CultureInvariant);
        return breaks.Split(normalized)
            .Where(c => !string.IsNullOrWhiteSpace(c))
            .Select(c => new Clause(c, negators, subjects, reporters))
            .ToList();
    }
}

/// <summary>One clause of a folded description.</summary>
public sealed class Clause(string normalized, IReadOnlyList<CustomerText.Phrase> negators, IReadOnlySet<string> newSubjects,
    IReadOnlyList<CustomerText.Phrase> reporters)
{
    public string Normalized { get; } = normalized;
    public string Compacted { get; } = CustomerText.Compact(normalized);

    /// <summary>Whether a negator comes before the phrase in this clause (the phrase must occur in it).</summary>
    public bool Negates(CustomerText.Phrase phrase)
    {
        var at = phrase.IndexIn(Normalized, Compacted);
        if (at < 0) return false;
        var text = phrase.IsLatinPhrase ? Normalized : Compacted;
        return negators.Any(n => n.IsLatinPhrase == phrase.IsLatinPhrase
                                 && n.IndexIn(Normalized, Compacted) is >= 0 and var before && before < at
                                 && Near(text[before..at], n, phrase.IsLatinPhrase));
    }

    /// <summary>Whether someone else's words come before the phrase in this clause: it is reported speech.</summary>
    public bool Reports(CustomerText.Phrase phrase)
    {
        var at = phrase.IndexIn(Normalized, Compacted);
        return at >= 0 && reporters.Any(r => r.IsLatinPhrase == phrase.IsLatinPhrase && r.IndexIn(Normalized, Compacted) is >= 0 and var before && before < at);
    }

    /// <summary>
    /// A negator reaches only a few words ahead (four words, eight Chinese characters), or through "or":
    /// "no intention of suing" is negated, "if the charge isn't reversed by Friday my lawyer will call" is not.
    /// </summary>
    private bool Near(string fromNegator, CustomerText.Phrase negator, bool latin)
    {
        if (latin)
        {
            // The words after the negator itself: "won't be going to the newspapers" is four.
            var words = fromNegator.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(negator.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length).ToArray();
            // A new subject starts another statement: "if the charge isn't reversed by Friday my lawyer will call".
            if (words.Any(newSubjects.Contains)) return false;
            if (words.Length <= 4) return true;
            // A negator carries through a list joined by "or": "no intention of suing anybody or going to the press".
            var or = Array.FindLastIndex(words, w => w is "or" or "nor");
            return or >= 0 && words.Length - or - 1 <= 4 && words.Length <= 12;
        }
        // The characters after the negator: "不会为了十二块钱去找媒体" is eight.
        var between = fromNegator[Math.Min(negator.Folded.Length, fromNegator.Length)..];
        if (between.Length <= 8) return true;
        var orAt = Math.Max(between.LastIndexOf('或'), between.LastIndexOf("也不", StringComparison.Ordinal));
        return orAt >= 0 && between.Length - orAt <= 7 && between.Length <= 16;
    }
}
