using Complaints.Contracts.Intake.V1;
using Complaints.Tests.Infrastructure;

namespace Complaints.Tests.Integration;

/// <summary>A promise never moves silently: a complex case's customer is told the new date, in writing, once.</summary>
[Collection(PlatformCollection.Name)]
public sealed class PromiseTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_complex_case_moves_the_promised_date_and_the_customer_gets_the_new_one_in_writing()
    {
        // A product fault needs investigation: complex, five working days instead of the 24 hours promised at filing.
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Phone, "新买的冰箱不制冷，用了不到一个月，要求换货。"));
        var promised = filed.ResolutionDue.ToDateTimeOffset();
        var complaint = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.History.Any(h => h.EventType == "customer_notified"), TimeSpan.FromSeconds(60));

        var moved = Assert.Single(complaint.History, h => h.EventType == "resolution_due_changed");
        Assert.Contains("complex", moved.DataJson);
        var newDue = complaint.ResolutionDue.ToDateTimeOffset();
        Assert.True(newDue > promised, $"the new date {newDue:O} is later than the promise {promised:O}");

        var notice = Assert.Single(complaint.History, h => h.EventType == "customer_notified");
        Assert.Contains("new_resolution_date", notice.DataJson);
        // A phone complaint is told in writing: by SMS, with the new date in the business calendar's zone.
        Assert.Contains("\"channel\":\"sms\"", notice.DataJson);
        Assert.Contains(complaint.ComplaintNumber, notice.DataJson);
        Assert.Contains(TimeZoneInfo.ConvertTime(newDue, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd HH:mm"), notice.DataJson);
        Assert.Contains($"\"aboutVersion\":{moved.Version}", notice.DataJson);
    }
}
