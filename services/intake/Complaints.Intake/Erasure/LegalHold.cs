using Complaints.Domain.ComplaintStream;

namespace Complaints.Intake.Erasure;

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
