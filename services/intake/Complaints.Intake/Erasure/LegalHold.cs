using Complaints.Contracts.Stream;

namespace Complaints.Intake.Erasure;

/// <summary>
/// When erasure must wait (configuration section <c>Complaints:PersonalData:LegalHold</c>): while
/// any of the customer's complaints is open, and for <see cref="RetentionPeriod"/> after the last
/// one closed (complaint records are kept, e.g. 3 years under the UK FCA's DISP 1.9).
/// </summary>
public sealed class LegalHoldOptions
{
    public const string Section = "Complaints:PersonalData:LegalHold";

    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromDays(3 * 365);
}

public static class LegalHold
{
    /// <summary>The reason erasure is refused now, or null when it may proceed.</summary>
    public static string? Blocks(IEnumerable<ComplaintLife> complaints, TimeSpan retention, DateTimeOffset now)
    {
        foreach (var complaint in complaints)
        {
            if (complaint.ClosedAt is not { } closedAt)
                return $"complaint {complaint.ComplaintNumber} is still open; personal data is kept until it is closed and its retention period has passed";
            if (closedAt + retention > now)
                return $"complaint {complaint.ComplaintNumber} closed at {closedAt:yyyy-MM-dd} and must be kept until {closedAt + retention:yyyy-MM-dd} (retention period)";
        }
        return null;
    }
}
