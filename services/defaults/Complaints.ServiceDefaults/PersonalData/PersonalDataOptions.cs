namespace Complaints.ServiceDefaults.PersonalData;

/// <summary>
/// Key-encryption keys (configuration section <c>Complaints:PersonalData</c>, in Kubernetes from a
/// Secret): each a base64 256-bit key under an id. New data keys are wrapped with
/// <see cref="ActiveKeyId"/>; older ids stay listed until every data key wrapped with them is rewrapped.
/// </summary>
public sealed class PersonalDataOptions
{
    public const string Section = "Complaints:PersonalData";

    public string ActiveKeyId { get; set; } = "";

    public Dictionary<string, string> KeyEncryptionKeys { get; set; } = [];

    /// <summary>How long an unwrapped data key stays in memory; bounds how long another replica can still read erased data.</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Which kind of personal field a value is: decides how it is masked.</summary>
public enum PersonalField
{
    Name,
    Phone,
    Email,
    /// <summary>Free text in the customer's or an agent's words, which may hold anything personal.</summary>
    Text,
    /// <summary>An order or account reference, or an attachment's name or link: identifies the customer.</summary>
    Reference,
}
