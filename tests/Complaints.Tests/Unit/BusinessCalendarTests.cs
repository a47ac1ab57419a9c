using Complaints.Domain.ServiceLevels;
using Microsoft.Extensions.Configuration;

namespace Complaints.Tests.Unit;

/// <summary>Deadline arithmetic in Shanghai working hours (09:00-18:00, Monday to Friday) with the October holidays.</summary>
public sealed class BusinessCalendarTests
{
    private static readonly SlaOptions Options = new()
    {
        TimeZone = "Asia/Shanghai",
        Holidays = Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d)).ToList(),
    };

    private static readonly BusinessCalendar Calendar = new(Options);

    /// <summary>A Shanghai wall-clock time (UTC+8, no daylight saving).</summary>
    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) =>
        new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Theory]
    // Friday 17:00 + 2 working hours: one hour on Friday, one on Monday.
    [InlineData(11, 20, 17, 0, 120, 11, 23, 10, 0)]
    // Saturday noon + 10 minutes: nothing passes until Monday opens.
    [InlineData(11, 21, 12, 0, 10, 11, 23, 9, 10)]
    // Tuesday 20:00, after closing, + 1 hour: Wednesday 10:00.
    [InlineData(11, 24, 20, 0, 60, 11, 25, 10, 0)]
    // Monday 07:30, before opening, + 30 minutes: 09:30.
    [InlineData(11, 23, 7, 30, 30, 11, 23, 9, 30)]
    // A full working day from opening ends at closing, the same day.
    [InlineData(11, 23, 9, 0, 540, 11, 23, 18, 0)]
    // Wednesday 30 September 17:00 + 2 hours: the National Day week (1-7 October) passes no time.
    [InlineData(9, 30, 17, 0, 120, 10, 8, 10, 0)]
    public void Working_time_skips_nights_weekends_and_holidays(int month, int day, int hour, int minute, int minutes,
        int dueMonth, int dueDay, int dueHour, int dueMinute)
    {
        var due = Calendar.AddWorkingTime(Local(month, day, hour, minute), TimeSpan.FromMinutes(minutes));
        Assert.Equal(Local(dueMonth, dueDay, dueHour, dueMinute), due);
        Assert.Equal(TimeSpan.Zero, due.Offset);
    }

    [Fact]
    public void Five_working_days_from_Monday_morning_end_next_Monday_morning()
    {
        Assert.Equal(Local(11, 30, 10, 0), Calendar.AddWorkingDays(Local(11, 23, 10, 0), 5));
    }

    [Fact]
    public void Five_working_days_across_the_holiday_week_count_only_working_days()
    {
        // Monday 28 September 10:00: Mon, Tue, Wed (3 days), then 8 and 9 October.
        Assert.Equal(Local(10, 12, 10, 0), Calendar.AddWorkingDays(Local(9, 28, 10, 0), 5));
    }

    [Fact]
    public void Start_given_in_UTC_is_read_in_the_call_centers_time_zone()
    {
        // 2026-11-23 01:00 UTC is 09:00 in Shanghai, opening time.
        var due = Calendar.AddWorkingTime(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero), due);
    }

    [Fact]
    public void Business_hours_that_end_before_they_start_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new BusinessCalendar(new SlaOptions
        {
            BusinessHours = new BusinessHoursOptions { Start = new TimeOnly(18, 0), End = new TimeOnly(9, 0) },
        }));
    }
}

public sealed class SlaPolicyTests
{
    private static readonly DateTimeOffset FridayEvening = new(2026, 11, 20, 20, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Defaults_follow_the_brief_around_the_clock_for_simple_cases()
    {
        var policy = new SlaPolicy(new SlaOptions());

        var general = policy.For(Priorities.General, complex: false, FridayEvening);
        Assert.Equal(FridayEvening.AddMinutes(10), general.FirstResponseDue);
        Assert.Equal(FridayEvening.AddHours(24), general.ResolutionDue);

        var emergency = policy.For(Priorities.Emergency, complex: true, FridayEvening);
        Assert.Equal(FridayEvening.AddMinutes(5), emergency.FirstResponseDue);
        Assert.Equal(FridayEvening.AddHours(4), emergency.ResolutionDue);
    }

    [Fact]
    public void Complex_cases_get_five_working_days()
    {
        var policy = new SlaPolicy(new SlaOptions());

        var complex = policy.For(Priorities.General, complex: true, FridayEvening);

        // Friday 20:00 is after hours: five working days run Monday 09:00 to Friday 18:00.
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 18, 0, 0, TimeSpan.FromHours(8)), complex.ResolutionDue);
    }

    [Fact]
    public void First_response_can_follow_business_hours_when_configured()
    {
        var options = new SlaOptions();
        options.Targets[Priorities.General] = new SlaTarget { FirstResponse = TimeSpan.FromMinutes(10), FirstResponseInBusinessHours = true };
        var due = new SlaPolicy(options).For(Priorities.General, complex: false, FridayEvening);

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 10, 0, TimeSpan.FromHours(8)), due.FirstResponseDue);
    }

    [Fact]
    public void A_priority_without_a_target_is_a_configuration_error()
    {
        var options = new SlaOptions();
        options.Targets.Remove(Priorities.High);
        var error = Assert.Throws<InvalidOperationException>(() => new SlaPolicy(options).For(Priorities.High, false, FridayEvening));
        Assert.Contains("high", error.Message);
    }
}

public sealed class SlaConfigurationTests
{
    [Fact]
    public void The_documented_example_binds_and_gives_the_deadlines_it_describes()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Complaints.sln"))) root = Path.GetDirectoryName(root)!;
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddJsonFile(Path.Combine(root, "docs", "examples", "sla.json"))
            .Build();
        var options = new SlaOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(SlaOptions.Section), options);
        var policy = new SlaPolicy(options);

        // Saturday is a working day there; Sunday is not; 1 October is a holiday.
        Assert.True(policy.Calendar.IsWorkingDay(new DateOnly(2026, 11, 21)));
        Assert.False(policy.Calendar.IsWorkingDay(new DateOnly(2026, 11, 22)));
        Assert.False(policy.Calendar.IsWorkingDay(new DateOnly(2026, 10, 1)));
        // Filed Saturday 21:00 Shanghai: first response counted from Monday 08:30.
        var saturdayNight = new DateTimeOffset(2026, 11, 21, 21, 0, 0, TimeSpan.FromHours(8));
        var general = policy.For(Priorities.General, complex: false, saturdayNight);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 40, 0, TimeSpan.FromHours(8)), general.FirstResponseDue);
        Assert.Equal(saturdayNight.AddHours(12), policy.For(Priorities.High, complex: false, saturdayNight).ResolutionDue);
        // Three working days of 11.5 hours from Monday 08:30 end Wednesday 20:00.
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 20, 0, 0, TimeSpan.FromHours(8)), policy.For(Priorities.General, complex: true, saturdayNight).ResolutionDue);
    }
}
