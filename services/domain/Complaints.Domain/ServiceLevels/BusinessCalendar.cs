namespace Complaints.Domain.ServiceLevels;

/// <summary>
/// Working time in the call center's time zone: working days, daily hours and public holidays.
/// Adding working time skips nights, weekends and holidays.
/// </summary>
public sealed class BusinessCalendar
{
    private readonly TimeZoneInfo zone;
    private readonly BusinessHoursOptions hours;
    private readonly HashSet<DateOnly> holidays;

    public BusinessCalendar(SlaOptions options)
    {
        zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        hours = options.BusinessHours;
        holidays = [.. options.Holidays];
        if (hours.End <= hours.Start) throw new ArgumentException("Business hours must end after they start");
        if (hours.Days.Count == 0) throw new ArgumentException("At least one working day is needed");
    }

    public TimeSpan WorkingDayLength => hours.End - hours.Start;

    public bool IsWorkingDay(DateOnly day) => hours.Days.Contains(day.DayOfWeek) && !holidays.Contains(day);

    public DateTimeOffset AddWorkingDays(DateTimeOffset start, double days) => AddWorkingTime(start, WorkingDayLength * days);

    public DateTimeOffset AddWorkingTime(DateTimeOffset start, TimeSpan amount)
    {
        if (amount <= TimeSpan.Zero) return start;
        var cursor = TimeZoneInfo.ConvertTime(start, zone).DateTime;
        var remaining = amount;
        // Bounded: a year without a single working day is a configuration error.
        for (var guard = 0; guard < 3660; guard++)
        {
            var day = DateOnly.FromDateTime(cursor);
            var opens = day.ToDateTime(hours.Start);
            var closes = day.ToDateTime(hours.End);
            if (!IsWorkingDay(day) || cursor >= closes)
            {
                cursor = day.AddDays(1).ToDateTime(hours.Start);
                continue;
            }
            if (cursor < opens) cursor = opens;
            var available = closes - cursor;
            if (remaining <= available) return ToUtc(cursor + remaining);
            remaining -= available;
            cursor = day.AddDays(1).ToDateTime(hours.Start);
        }
        throw new InvalidOperationException("The business calendar has no working time within ten years");
    }

    private DateTimeOffset ToUtc(DateTime local) =>
        new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
}
