namespace Complaints.Resolution.Queue;

/// <summary>Resolution's settings (configuration section <c>Complaints:Resolution</c>).</summary>
public sealed class ResolutionOptions
{
    public const string Section = "Complaints:Resolution";
    /// <summary>An open case needs news for the customer at least this often (the brief: daily for a long case).</summary>
    public TimeSpan ProgressUpdateInterval { get; set; } = TimeSpan.FromHours(24);
    /// <summary>How often the missed-update sweeper looks.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Departments work can be handed to (Complaints:Resolution:Departments:NAME:Contact and :ResponseTime).</summary>
    public Dictionary<string, DepartmentContact> Departments { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        // The brief (003): cross-department work has a named contact and a response time per department.
        ["technical"] = new() { Contact = "tech-duty-lead", ResponseTime = TimeSpan.FromHours(4) },
        ["logistics"] = new() { Contact = "logistics-desk", ResponseTime = TimeSpan.FromHours(4) },
        ["quality"] = new() { Contact = "quality-engineer", ResponseTime = TimeSpan.FromHours(24) },
        ["legal"] = new() { Contact = "legal-counsel", ResponseTime = TimeSpan.FromHours(24) },
        ["finance"] = new() { Contact = "finance-desk", ResponseTime = TimeSpan.FromHours(8) },
    };

    /// <summary>
    /// What the customer is told when the resolution date moves later: {number} is the complaint's
    /// number, {date} the new date (the business calendar's time zone). A concrete time, never a vague one.
    /// </summary>
    public string NewResolutionDateNotice { get; set; } =
        "您好，您的投诉 {number} 需要进一步调查，我会在 {date} 前给您书面答复。Your complaint {number} needs further investigation; I will give you a written answer by {date}.";
}

/// <summary>Another department's named contact and how soon it answers a task.</summary>
public sealed class DepartmentContact
{
    public string Contact { get; set; } = "";
    public TimeSpan ResponseTime { get; set; } = TimeSpan.FromHours(8);
}
