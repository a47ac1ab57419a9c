using System.Globalization;
using System.Text;
using Complaints.Domain.Text;

namespace Complaints.Routing.Triage;

/// <summary>
/// What the statistical model sees of a description: Latin words (lightly stemmed) and their pairs,
/// Chinese characters and character pairs (Chinese has no spaces to split words on, and pairs carry
/// most of the meaning: 退款, 律师, 冒烟), and a few shape marks ("!!!", SHOUTING). The text is folded
/// first, so Traditional and Simplified script, full-width forms and curly quotes look the same.
/// </summary>
public static class TextFeatures
{
    public static IReadOnlySet<string> Of(string description)
    {
        var features = new HashSet<string>(StringComparer.Ordinal);
        var normalized = CustomerText.Normalize(description);
        string? previousWord = null;
        var word = new StringBuilder();
        char? previousHan = null;

        void EndWord()
        {
            if (word.Length == 0) return;
            var stem = Stem(word.ToString());
            features.Add("w:" + stem);
            if (previousWord is not null) features.Add("b:" + previousWord + "_" + stem);
            previousWord = stem;
            word.Clear();
        }

        foreach (var c in normalized)
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9' or '\'')
            {
                word.Append(c);
                previousHan = null;
                continue;
            }
            EndWord();
            if (IsHan(c))
            {
                features.Add("c:" + c);
                if (previousHan is { } p) features.Add("c:" + p + c);
                previousHan = c;
                previousWord = null;
            }
            else
            {
                previousHan = null;
                // Punctuation ends a phrase; a space does not.
                if (!char.IsWhiteSpace(c)) previousWord = null;
            }
        }
        EndWord();

        if (normalized.Contains("!!!", StringComparison.Ordinal) || normalized.Contains("?!", StringComparison.Ordinal))
            features.Add("shape:exclaims");
        var letters = description.Where(char.IsAsciiLetter).ToList();
        if (letters.Count >= 12 && description.Split(' ').Count(w => w.Length >= 3 && w.All(char.IsAsciiLetterUpper)) >= 2)
            features.Add("shape:shouting");
        return features;
    }

    private static bool IsHan(char c) => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.OtherLetter && c is >= '\u3400' and <= '\u9fff';

    /// <summary>Enough stemming for complaints: "charged", "charges" and "charging" are one word.</summary>
    private static string Stem(string word)
    {
        foreach (var suffix in (string[])["ing", "ed", "es", "s", "ly"])
        {
            if (word.Length - suffix.Length >= 4 && word.EndsWith(suffix, StringComparison.Ordinal))
                return word[..^suffix.Length];
        }
        return word;
    }
}
