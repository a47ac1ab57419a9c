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
