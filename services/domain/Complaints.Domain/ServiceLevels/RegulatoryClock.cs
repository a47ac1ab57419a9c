namespace Complaints.Domain.ServiceLevels;

/// <summary>
/// A regulator's deadline for answering a complaint (Complaints:Sla:RegulatoryClocks), configured per
/// jurisdiction and product, each on its own calendar. For example China's banking and insurance
/// rule (a decision within 15 days, 30 for a complex case), the UK FCA (a summary resolution by the
/// close of the third business day; a final response within 8 weeks), the US CFPB (15 days).
/// </summary>
public sealed class RegulatoryClock
{
    /// <summary>A short name, unique: "cn-decision", "uk-fca-final-response".</summary>
    public string Name { get; set; } = "";
    /// <summary>The rule it enforces, for people reading the case.</summary>
    public string Rule { get; set; } = "";
    /// <summary>The complaint categories (products) it applies to; empty for every complaint.</summary>
    public List<string> Categories { get; set; } = [];
    /// <summary>Days from receipt.</summary>
    public int Days { get; set; }
    /// <summary>Days for a complex case (China: 30 instead of 15); null keeps <see cref="Days"/>.</summary>
    public int? ComplexDays { get; set; }
    /// <summary>
    /// Business days: the deadline is the close of the Nth working day after the day of receipt, on
    /// the clock's own calendar. Otherwise calendar days from the moment of receipt.
    /// </summary>
    public bool BusinessDays { get; set; }
    /// <summary>The jurisdiction's time zone (IANA); empty for the call center's.</summary>
    public string TimeZone { get; set; } = "";
    public List<DayOfWeek> WorkingDays { get; set; } = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
    /// <summary>The jurisdiction's public holidays (local dates).</summary>
    public List<DateOnly> Holidays { get; set; } = [];
    /// <summary>How long before the deadline the case shows a warning.</summary>
    public TimeSpan WarnBefore { get; set; } = TimeSpan.FromDays(2);
    /// <summary>
    /// Further days the rule allows once (China banking and insurance: 30 more with approval; CFPB: up
    /// to 60 in all with an in-progress answer to the customer); null when it allows none.
    /// </summary>
    public int? ExtensionDays { get; set; }
    /// <summary>What the extension needs besides a supervisor's or manager's approval, which it always needs.</summary>
    public RegulatoryExtensionCondition ExtensionRequires { get; set; } = RegulatoryExtensionCondition.Approval;

    /// <summary>The deadline moved by the extension: the same counting (calendar or business days) from the current deadline.</summary>
    public DateTimeOffset ExtendedFrom(DateTimeOffset dueBy, string defaultTimeZone) =>
        ExtensionDays is not { } days ? dueBy
        : BusinessDays ? CountFrom(dueBy.AddTicks(-1), days, defaultTimeZone)
        : dueBy.AddDays(days);

    public bool AppliesTo(string category) => Categories.Count == 0 || Categories.Contains(category);

    /// <summary>When the regulator's deadline falls for a complaint received at <paramref name="receivedAt"/>.</summary>
    public DateTimeOffset DueFor(DateTimeOffset receivedAt, bool complex, string defaultTimeZone)
    {
        var days = complex && ComplexDays is { } longer ? longer : Days;
        return BusinessDays ? CountFrom(receivedAt, days, defaultTimeZone) : receivedAt.AddDays(days);
    }

    /// <summary>The close of the <paramref name="days"/>th working day after the day of <paramref name="from"/>, on the clock's calendar.</summary>
    private DateTimeOffset CountFrom(DateTimeOffset from, int days, string defaultTimeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone.Length > 0 ? TimeZone : defaultTimeZone);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime);
        for (var counted = 0; counted < days;)
        {
            day = day.AddDays(1);
            if (WorkingDays.Contains(day.DayOfWeek) && !Holidays.Contains(day)) counted++;
        }
        // The close of that day: midnight at its end, in the jurisdiction's time.
        var close = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(close, zone.GetUtcOffset(close)).ToUniversalTime();
    }
}

/// <summary>What a regulatory clock's extension needs besides a supervisor's or manager's approval.</summary>
public enum RegulatoryExtensionCondition
{
    /// <summary>The approval alone (China's banking and insurance rule).</summary>
    Approval,
    /// <summary>The customer has been given an in-progress answer (a first response or a progress update) before it (CFPB).</summary>
    InProgressResponse,
}
