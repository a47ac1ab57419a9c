namespace Complaints.Intake.CustomerHistory;

public sealed class IntakeOptions
{
    public const string Section = "Complaints:Intake";

    /// <summary>A complaint by the same customer on the same subject within this window is a repeat.</summary>
    public TimeSpan RepeatWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How many earlier complaints a filing links to.</summary>
    public int EarlierComplaintsLinked { get; set; } = 20;
}
