using System.Text.RegularExpressions;
using Complaints.Domain.Text;

namespace Complaints.Followup.CaseLibrary;

/// <summary>
/// Screens text written for colleagues (the case library) for what identifies a person: e-mail
/// addresses, runs of seven or more digits (phone, identity, card and account numbers, whatever
/// separates them), and the customer's own name, phone or e-mail. A screen, not a proof: the
/// texts stay sealed under the customer's key all the same, so erasure reaches them.
/// </summary>
public static partial class PersonalDataScreen
{
    [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+")]
    private static partial Regex Email();

    // Seven or more digits, possibly split by spaces, hyphens or dots: 138 0013 8000, 6222-0212-3456-7890.
    [GeneratedRegex(@"\d(?:[\s\-.]?\d){6,}[xX]?")]
    private static partial Regex LongNumber();

    // Dates are not personal and would otherwise read as long numbers: 2026-11-24, 2026.11.24, 2026年11月24日.
    [GeneratedRegex(@"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?")]
    private static partial Regex Date();

    /// <summary>What in <paramref name="text"/> looks personal, as reasons that quote none of it.</summary>
    public static IReadOnlyList<string> Find(string text, IEnumerable<string> customersOwnValues)
    {
        var normalized = CustomerText.Normalize(text);
        var problems = new List<string>();
        if (Email().IsMatch(normalized)) problems.Add("holds an e-mail address");
        if (LongNumber().IsMatch(Date().Replace(normalized, " "))) problems.Add("holds a long number (phone, identity, card or account number)");
        var compact = CustomerText.Compact(normalized);
        foreach (var value in customersOwnValues)
        {
            var own = CustomerText.Compact(CustomerText.Normalize(value));
            // Two Chinese characters make a name; a Latin one needs four letters before it means anything.
            if (own.Length >= (CustomerText.IsLatin(own) ? 4 : 2) && compact.Contains(own, StringComparison.Ordinal))
            {
                problems.Add("names the customer or quotes their contact details");
                break;
            }
        }
        return problems;
    }
}
