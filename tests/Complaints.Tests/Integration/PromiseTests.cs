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

/// <summary>The agreed solution is confirmed in writing (the brief): a phone call does not count.</summary>
[Collection(PlatformCollection.Name)]
public sealed class WrittenConfirmationTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_confirmation_by_phone_is_refused_and_one_by_sms_is_recorded_with_its_time()
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Phone, "I was charged a fee twice on my bill."));
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.AgentId.Length > 0, TimeSpan.FromSeconds(60));
        var agent = platform.ResolutionAs(assigned.AgentId);
        var remedy = await agent.ProposeRemedyAsync(new Contracts.Resolution.V1.ProposeRemedyRequest
        {
            ComplaintId = filed.ComplaintId, Kind = Contracts.Resolution.V1.RemedyKind.Refund, Amount = "20", Description = "Refund of the duplicate fee",
        });
        var decision = new Contracts.Resolution.V1.RecordCustomerDecisionRequest
        {
            ComplaintId = filed.ComplaintId, RemedyId = remedy.RemedyId, Accepted = true,
            Confirmation = "As agreed today, 20 CNY is refunded to your account within 3 working days.", ConfirmationChannel = "phone",
        };

        var byPhone = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => agent.RecordCustomerDecisionAsync(decision).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, byPhone.StatusCode);
        Assert.Contains("confirmation_channel", byPhone.Status.Detail);

        decision.ConfirmationChannel = "sms";
        await agent.RecordCustomerDecisionAsync(decision);
        var after = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        var confirmed = Assert.Single(after.History, h => h.EventType == "resolution_confirmed");
        Assert.Contains("\"channel\":\"sms\"", confirmed.DataJson);
        Assert.Contains($"\"sentAt\":\"{platform.Clock.GetUtcNow():yyyy-MM-dd}", confirmed.DataJson);
    }
}
