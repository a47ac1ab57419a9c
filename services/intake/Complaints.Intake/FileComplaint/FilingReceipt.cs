namespace Complaints.Intake.FileComplaint;

/// <summary>
/// What a channel's idempotency key produced. Stored in the same transaction as the complaint's
/// stream; its id is unique, so two concurrent retries cannot both create a complaint.
/// </summary>
public sealed class FilingReceipt
{
    /// <summary>"{channel}:{idempotency key}": keys are the channel system's own, so they are scoped by channel.</summary>
    public string Id { get; set; } = "";
    /// <summary>SHA-256 of the request, to tell a retry from a different complaint reusing the key.</summary>
    public string RequestFingerprint { get; set; } = "";
    public Guid ComplaintId { get; set; }
    public string ComplaintNumber { get; set; } = "";
    public DateTimeOffset FiledAt { get; set; }
    public DateTimeOffset FirstResponseDue { get; set; }
    public DateTimeOffset ResolutionDue { get; set; }
    public bool Repeat { get; set; }
    public List<Guid> EarlierComplaintIds { get; set; } = [];

    public static string IdFor(string channel, string idempotencyKey) => $"{channel}:{idempotencyKey}";
}
