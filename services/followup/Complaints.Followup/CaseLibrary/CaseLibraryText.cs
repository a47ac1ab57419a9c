namespace Complaints.Followup.CaseLibrary;

/// <summary>
/// The searchable text of a case in the library, in clear because the database must index it
/// (pg_trgm, which splits Chinese as well as English into trigrams). It holds only what passed
/// <see cref="PersonalDataScreen"/>, and it is deleted when the customer's data is erased; the
/// stream keeps the same texts sealed.
/// </summary>
public sealed class CaseLibraryText
{
    /// <summary>The complaint id.</summary>
    public Guid Id { get; set; }
    public string MaskedDescription { get; set; } = "";
    public string HandlingSummary { get; set; } = "";
    /// <summary>Both texts, normalised (full-width folded, Traditional as Simplified, lower case): what similarity is measured on.</summary>
    public string SearchText { get; set; } = "";
    public string WrittenBy { get; set; } = "";
    public DateTimeOffset WrittenAt { get; set; }
}
