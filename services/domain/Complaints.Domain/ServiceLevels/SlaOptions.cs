namespace Complaints.Domain.ServiceLevels;

/// <summary>
/// SLA targets per priority and the business calendar they may follow; configuration section
/// <c>Complaints:Sla</c>. Defaults follow the brief: first response within 10 minutes, simple
/// complaints resolved within 24 hours, complex ones within 5 working days.
/// </summary>
public sealed class SlaOptions
{
    public const string Section = "Complaints:Sla";

    /// <summary>IANA time zone of the call center's working hours and holidays.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public BusinessHoursOptions BusinessHours { get; set; } = new();

    /// <summary>Regulators' deadlines that apply besides the call center's own targets; none by default (docs/configuration.md).</summary>
    public List<RegulatoryClock> RegulatoryClocks { get; set; } = [];

    /// <summary>Public holidays (local dates) on which no working time passes.</summary>
    public List<DateOnly> Holidays { get; set; } = [];

    /// <summary>Targets by priority ("emergency", "high", "general") and for complex cases ("complex").</summary>
    public Dictionary<string, SlaTarget> Targets { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [Priorities.Emergency] = new() { FirstResponse = TimeSpan.FromMinutes(5), Resolution = TimeSpan.FromHours(4) },
        // A repeat complaint or a customer out of control: tighter than general, looser than an emergency.
        [Priorities.High] = new() { FirstResponse = TimeSpan.FromMinutes(5), Resolution = TimeSpan.FromHours(12) },
        [Priorities.General] = new() { FirstResponse = TimeSpan.FromMinutes(10), Resolution = TimeSpan.FromHours(24) },
        [Priorities.Complex] = new() { FirstResponse = TimeSpan.FromMinutes(10), ResolutionWorkingDays = 5 },
    };
}

public sealed class BusinessHoursOptions
{
    public TimeOnly Start { get; set; } = new(9, 0);
    public TimeOnly End { get; set; } = new(18, 0);
    public List<DayOfWeek> Days { get; set; } = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
}

public sealed class SlaTarget
{
    public TimeSpan FirstResponse { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Counts the first-response time in business hours only (otherwise around the clock).</summary>
    public bool FirstResponseInBusinessHours { get; set; }

    /// <summary>Resolution time around the clock. Ignored when <see cref="ResolutionWorkingDays"/> is set.</summary>
    public TimeSpan Resolution { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Resolution time in working days of the business calendar.</summary>
    public double? ResolutionWorkingDays { get; set; }
}

public static class Priorities
{
    public const string Emergency = "emergency";
    public const string High = "high";
    public const string General = "general";
    /// <summary>Not a priority but the target used for complex cases that are not emergencies.</summary>
    public const string Complex = "complex";
}
