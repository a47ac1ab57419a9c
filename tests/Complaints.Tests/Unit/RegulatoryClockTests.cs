using Complaints.Domain.ServiceLevels;

namespace Complaints.Tests.Unit;

/// <summary>Each regulator's deadline on its own calendar.</summary>
public sealed class RegulatoryClockTests
{
    private static readonly RegulatoryClock Fca = new() { Name = "uk-fca-summary", Days = 3, BusinessDays = true, TimeZone = "Europe/London", Holidays = [new(2026, 12, 25), new(2026, 12, 28)] };
    private static readonly RegulatoryClock China = new() { Name = "cn-decision", Days = 15, ComplexDays = 30 };

    [Fact]
    public void Business_days_end_at_the_close_of_the_third_working_day_after_receipt_in_the_jurisdiction()
    {
        // Received Friday 27 November 2026, 10:00 in Shanghai (02:00 in London): Monday, Tuesday, Wednesday.
        var received = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), Fca.DueFor(received, complex: false, "Asia/Shanghai"));
    }

    [Fact]
    public void Holidays_of_the_jurisdiction_do_not_count()
    {
        // Received Thursday 24 December 2026 in London: the 25th and the 28th are holidays, the weekend between.
        var received = new DateTimeOffset(2026, 12, 24, 15, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), Fca.DueFor(received, complex: false, "Asia/Shanghai"));
    }

    [Fact]
    public void Calendar_days_run_from_receipt_and_a_complex_case_gets_the_longer_term()
    {
        var received = new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);
        Assert.Equal(received.AddDays(15), China.DueFor(received, complex: false, "Asia/Shanghai"));
        Assert.Equal(received.AddDays(30), China.DueFor(received, complex: true, "Asia/Shanghai"));
    }

    [Fact]
    public void A_clock_applies_to_its_categories_or_to_every_complaint()
    {
        Assert.True(new RegulatoryClock { Categories = ["billing_fees"] }.AppliesTo("billing_fees"));
        Assert.False(new RegulatoryClock { Categories = ["billing_fees"] }.AppliesTo("logistics_delivery"));
        Assert.True(new RegulatoryClock().AppliesTo("logistics_delivery"));
    }
}
