using System.Globalization;
using System.Text.RegularExpressions;
using Complaints.Domain.Text;

namespace Complaints.Routing.Triage;

/// <summary>A sum of money a customer wrote, in a currency (ISO code).</summary>
public sealed record MoneyAmount(decimal Value, string Currency, string AsWritten);

/// <summary>
/// Finds sums of money in a complaint, as customers write them: Western digits with thousands
/// separators and decimals ("$12,500", "3.5k dollars", "RMB 20000"), Chinese numerals and units
/// ("三万五千元", "两万块", "十几万", "5万元"), in yuan, dollars, euros, pounds, Hong Kong dollars. Only a
/// number with a currency next to it counts, so dates, phone and order numbers do not.
/// Works on folded text (CustomerText.Normalize: full-width digits and ￥ are already plain).
/// </summary>
public static class MoneyAmounts
{
    private static readonly (string Pattern, string Currency)[] Prefixes =
    [
        ("hk\\$", "HKD"), ("us\\$", "USD"), ("\\$", "USD"), ("¥", "CNY"), ("rmb ?", "CNY"), ("cny ?", "CNY"), ("usd ?", "USD"),
        ("€", "EUR"), ("eur ?", "EUR"), ("£", "GBP"), ("gbp ?", "GBP"), ("nt\\$", "TWD"),
    ];

    private static readonly (string Pattern, string Currency)[] Suffixes =
    [
        // 元 and 块 are the writer's own currency (yuan, or New Taiwan dollars in Traditional script).
        ("元|块钱|块|圆", Local), ("人民币|yuan|rmb|cny", "CNY"), ("美元|美金|dollars?|usd|bucks", "USD"), ("港币|港元|hkd", "HKD"),
        ("欧元|euros?|eur", "EUR"), ("英镑|pounds?|gbp", "GBP"), ("新台币|台币|twd", "TWD"),
    ];

    /// <summary>Stands for the currency the writer's script implies (<see cref="Find"/>'s localCurrency).</summary>
    private const string Local = "local";

    private const string WesternNumber = @"(?<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)";
    private const string Chinese = @"(?<c>[零一二两三四五六七八九十百千万亿几]+)";
    private const string Multiplier = @"(?<m>\s?(?:k|thousand|million|m|百万|千万|万|千|亿))?";

    private static readonly Regex Prefixed = new(
        $@"(?<![a-z0-9])(?<cur>{string.Join("|", Prefixes.Select(p => p.Pattern))})\s?{WesternNumber}{Multiplier}(?![a-z0-9])",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private static readonly Regex Suffixed = new(
        $@"(?:(?<![a-z0-9.,]){WesternNumber}{Multiplier}|{Chinese})\s?(?<cur>{string.Join("|", Suffixes.Select(s => s.Pattern))})(?![a-z])",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    // Chinese writers often leave the currency out of a sum counted in 万 ("亏了十二万", "四十万积蓄"): it is their own.
    private static readonly Regex TenThousands = new(
        @"(?:(?<![a-z0-9.,])(?<n>\d+(?:\.\d+)?)|(?<c>[零一二两三四五六七八九十百千几]+))(?<m>万)(?!\s?(?:元|块|圆|人民币|美元|美金|港币|港元|欧元|英镑|新台币|台币|[a-z]))",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <param name="folded">The description after CustomerText.Normalize.</param>
    /// <param name="localCurrency">The currency of sums written in 元, 块 or 万 alone: CNY, or TWD for a description in Traditional script.</param>
    public static IReadOnlyList<MoneyAmount> Find(string folded, string localCurrency = "CNY")
    {
        var found = new List<MoneyAmount>();
        foreach (Match m in TenThousands.Matches(folded))
        {
            var value = m.Groups["c"].Success ? ChineseNumerals.Parse(m.Groups["c"].Value + "万") : Western(m);
            if (value is { } v && v > 0) found.Add(new MoneyAmount(v, localCurrency, m.Value));
        }
        foreach (Match m in Prefixed.Matches(folded))
            if (Western(m) is { } value) found.Add(new MoneyAmount(value, CurrencyOf(m.Groups["cur"].Value, Prefixes), m.Value));
        foreach (Match m in Suffixed.Matches(folded))
        {
            var value = m.Groups["c"].Success ? ChineseNumerals.Parse(m.Groups["c"].Value) : Western(m);
            if (value is { } v && v > 0)
            {
                var currency = CurrencyOf(m.Groups["cur"].Value, Suffixes);
                found.Add(new MoneyAmount(v, currency == Local ? localCurrency : currency, m.Value));
            }
        }
        return found;
    }

    private static string CurrencyOf(string written, (string Pattern, string Currency)[] table) =>
        table.First(t => Regex.IsMatch(written.Trim(), $"^(?:{t.Pattern})$", RegexOptions.CultureInvariant)).Currency;

    private static decimal? Western(Match m)
    {
        if (!m.Groups["n"].Success || !decimal.TryParse(m.Groups["n"].Value.Replace(",", ""), NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
            return null;
        return value * m.Groups["m"].Value.Trim() switch
        {
            "k" or "thousand" or "千" => 1_000m,
            "万" => 10_000m,
            "m" or "million" or "百万" => 1_000_000m,
            "千万" => 10_000_000m,
            "亿" => 100_000_000m,
            _ => 1m,
        };
    }
}
