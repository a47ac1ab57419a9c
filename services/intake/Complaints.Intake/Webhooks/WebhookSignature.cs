using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Complaints.Intake.Webhooks;

/// <summary>
/// How a delivery is signed, as the common payment and code-hosting platforms do it: the header
/// <c>Complaints-Signature: t=UNIX_SECONDS,v1=HEX[,v1=HEX]</c>, where each v1 is
/// HMAC-SHA256(secret, "{t}.{body}") for one of the channel's secrets. A receiver recomputes it over
/// the raw body, compares in constant time, and refuses an old timestamp (replay). docs/http-api.md
/// shows the receiving side.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Complaints-Signature";

    public static string Sign(IEnumerable<string> secrets, DateTimeOffset at, string body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp}," + string.Join(",", secrets.Select(secret => "v1=" + Hex(secret, timestamp, body)));
    }

    /// <summary>The receiver's check: true when one v1 matches <paramref name="secret"/> and the timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string header, string secret, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        var parts = header.Split(',', StringSplitOptions.TrimEntries).Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var timestamp = parts.FirstOrDefault(p => p[0] == "t")?[1];
        if (timestamp is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance) return false;
        var expected = Encoding.ASCII.GetBytes(Hex(secret, timestamp, body));
        return parts.Where(p => p[0] == "v1").Any(p => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(p[1]), expected));
    }

    private static string Hex(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
