namespace Complaints.ServiceDefaults.PersonalData;

/// <summary>
/// A customer's data key, wrapped (AES-GCM) under a key-encryption key from configuration.
/// Every personal field of that customer is encrypted with it; deleting this document erases
/// them all at once (crypto-shredding), while the events stay replayable and verifiable.
/// </summary>
public sealed class CustomerDataKey
{
    public Guid Id { get; set; }
    public string CustomerId { get; set; } = "";
    /// <summary>Which key-encryption key wrapped it, so keys can be rotated.</summary>
    public string KekId { get; set; } = "";
    public byte[] WrappedKey { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}
