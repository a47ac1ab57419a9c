using System.Globalization;
using System.Text.RegularExpressions;
using Complaints.Domain.Text;

namespace Complaints.Resolution.Wording;

/// <summary>A concrete promise in a message: what was written, and within how long (a span, or working days).</summary>
public sealed record Promise(string AsWritten, TimeSpan Within, int WorkingDays = 0);

/// <summary>
/// Finds the concrete time a message promises, as a duration from now: "2小时内", "半小时之内",
/// "3个工作日内", "within 10 minutes", "in 2 hours", "within 3 business days" (working days count
/// Monday to Friday). Vague promises ("as soon as possible", 尽快) are refused by the wording rules.
/// </summary>
public static class Promises
{
    private const string Number = @"(?<n>\d+|半|[一二两三四五六七八九十]+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|forty-five)";

    private static readonly Regex Chinese = new(
        $@"{Number}\s*个?\s*(?<unit>分钟|小时|钟头|工作日|天|日)\s*(内|之内|以内)", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private static readonly Regex English = new(
        $@"(?<![a-z])(within|in the next|in)\s+{Number}\s+(?<unit>minutes?|mins?|hours?|hrs?|working days?|business days?|days?)(?![a-z])",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public static Promise? Find(string message)
    {
        var text = CustomerText.Normalize(message);
        var match = new[] { Chinese.Match(text), English.Match(text) }.Where(m => m.Success).OrderBy(m => m.Index).FirstOrDefault();
        if (match is null || Amount(match.Groups["n"].Value) is not { } amount) return null;
        var unit = match.Groups["unit"].Value;
        TimeSpan? within = unit switch
        {
            "分钟" or "minute" or "minutes" or "min" or "mins" => TimeSpan.FromMinutes((double)amount),
            "小时" or "钟头" or "hour" or "hours" or "hr" or "hrs" => TimeSpan.FromHours((double)amount),
            "天" or "日" or "day" or "days" => TimeSpan.FromDays((double)amount),
            _ => null,
        };
        return within is { } w
            ? new Promise(match.Value.Trim(), w)
            : new Promise(match.Value.Trim(), TimeSpan.Zero, (int)Math.Ceiling(amount));
    }

    /// <summary>When a promise made at <paramref name="now"/> falls due; working days count Monday to Friday.</summary>
    public static DateTimeOffset DueBy(Promise promise, DateTimeOffset now)
    {
        if (promise.WorkingDays == 0) return now + promise.Within;
        var due = now;
        for (var days = promise.WorkingDays; days > 0;)
        {
            due = due.AddDays(1);
            if (due.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday) days--;
        }
        return due;
    }

    private static decimal? Amount(string written) => written switch
    {
        "半" => 0.5m,
        "a" or "an" or "one" => 1, "two" => 2, "three" => 3, "four" => 4, "five" => 5, "six" => 6, "seven" => 7, "eight" => 8,
        "nine" => 9, "ten" => 10, "twelve" => 12, "twenty" => 20, "thirty" => 30, "forty-five" => 45,
        _ when decimal.TryParse(written, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => ChineseNumerals.Parse(written),
    };

    /// <summary>A concrete time promised in a message the customer is sent becomes a commitment the SLA sweeper holds the case to.</summary>
    public static IEnumerable<Contracts.Events.CommitmentMade> CommitmentIn(Guid complaintId, string message, string madeBy, DateTimeOffset now)
    {
        if (Find(message) is { } promise)
            yield return new Contracts.Events.CommitmentMade(complaintId, Guid.CreateVersion7(now), promise.AsWritten, DueBy(promise, now), madeBy, now);
    }
}
