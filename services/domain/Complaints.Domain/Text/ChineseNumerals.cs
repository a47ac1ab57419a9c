namespace Complaints.Domain.Text;

/// <summary>Numbers written in Chinese numerals, as customers and agents write sums and durations.</summary>
public static class ChineseNumerals
{
    /// <summary>
    /// Chinese numerals: 三万五千 = 35,000; 十二万 = 120,000; 两千 = 2,000. "几" (a few) counts as 1,
    /// so "十几万" is at least 110,000 and "几万" at least 10,000: the smallest sum meant.
    /// </summary>
    public static decimal? Parse(string text)
    {
        decimal total = 0, section = 0, digit = 0;
        var any = false;
        foreach (var c in text)
        {
            var d = "零一二三四五六七八九".IndexOf(c);
            if (c == '两') d = 2;
            if (c == '几') d = 1;
            if (d >= 0) { digit = d; any = true; continue; }
            decimal unit = c switch { '十' => 10, '百' => 100, '千' => 1_000, '万' => 10_000, '亿' => 100_000_000, _ => 0 };
            if (unit == 0) return null;
            any = true;
            if (unit >= 10_000)
            {
                section += digit;
                total = (total + (section == 0 ? 1 : section)) * unit;
                section = 0;
            }
            else
            {
                section += (digit == 0 ? 1 : digit) * unit;
            }
            digit = 0;
        }
        return any ? total + section + digit : null;
    }
}
