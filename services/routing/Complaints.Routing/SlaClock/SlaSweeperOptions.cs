namespace Complaints.Routing.SlaClock;

/// <summary>How the SLA sweeper runs (configuration section <c>Complaints:Routing:SlaSweeper</c>).</summary>
public sealed class SlaSweeperOptions
{
    public const string Section = "Complaints:Routing:SlaSweeper";

    /// <summary>How often it looks for passed deadlines; zero turns the background sweep off (an operator job or a test sweeps).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many due cases one sweep takes, earliest first.</summary>
    public int BatchSize { get; set; } = 200;
}
