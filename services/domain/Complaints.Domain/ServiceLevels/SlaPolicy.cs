namespace Complaints.Domain.ServiceLevels;

public sealed record SlaDeadlines(DateTimeOffset FirstResponseDue, DateTimeOffset ResolutionDue);

/// <summary>Turns a priority (and whether the case is complex) into concrete deadlines.</summary>
public sealed class SlaPolicy
{
    private readonly SlaOptions options;

    public SlaPolicy(SlaOptions options)
    {
        this.options = options;
        Calendar = new BusinessCalendar(options);
    }

    public BusinessCalendar Calendar { get; }

    /// <summary>The regulators' deadlines configured besides the call center's own targets.</summary>
    public IReadOnlyList<RegulatoryClock> RegulatoryClocks => options.RegulatoryClocks;

    /// <summary>The call center's time zone (a clock without its own uses it).</summary>
    public string TimeZone => options.TimeZone;

    public SlaDeadlines For(string priority, bool complex, DateTimeOffset from)
    {
        var key = complex && priority != Priorities.Emergency ? Priorities.Complex : priority;
        if (!options.Targets.TryGetValue(key, out var target))
            throw new InvalidOperationException($"No SLA target is configured for '{key}' ({SlaOptions.Section}:Targets)");

        var firstResponse = target.FirstResponseInBusinessHours
            ? Calendar.AddWorkingTime(from, target.FirstResponse)
            : from + target.FirstResponse;
        var resolution = target.ResolutionWorkingDays is { } days
            ? Calendar.AddWorkingDays(from, days)
            : from + target.Resolution;
        return new SlaDeadlines(firstResponse, resolution);
    }
}
