using Complaints.Contracts.Intake.V1;
using Complaints.Tests.Infrastructure;
using Google.Rpc;
using Grpc.Core;

namespace Complaints.Tests.Integration;

/// <summary>Intake's promises over real gRPC and PostgreSQL: idempotent filing, customer history, concrete deadlines.</summary>
[Collection(PlatformCollection.Name)]
public sealed class IntakeDomainTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_retry_with_the_same_key_returns_the_original_complaint()
    {
        var request = Requests.Valid();
        request.IdempotencyKey = $"call-{Guid.NewGuid():N}";
        var streamsBefore = await platform.CountStreamsAsync();

        var first = await platform.Intake.FileComplaintAsync(request);
        var retry = await platform.Intake.FileComplaintAsync(request);

        Assert.False(first.Replayed);
        Assert.True(retry.Replayed);
        Assert.Equal(first.ComplaintId, retry.ComplaintId);
        Assert.Equal(first.ComplaintNumber, retry.ComplaintNumber);
        Assert.Equal(first.FirstResponseDue, retry.FirstResponseDue);
        Assert.Equal(streamsBefore + 1, await platform.CountStreamsAsync());
    }

    [Fact]
    public async Task Concurrent_retries_with_the_same_key_create_exactly_one_complaint()
    {
        var request = Requests.Valid(Channel.MobileApp);
        request.IdempotencyKey = $"tap-{Guid.NewGuid():N}";
        var streamsBefore = await platform.CountStreamsAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => platform.Intake.FileComplaintAsync(request).ResponseAsync));

        Assert.Single(responses.Select(r => r.ComplaintId).Distinct());
        Assert.Single(responses, r => !r.Replayed);
        Assert.Equal(streamsBefore + 1, await platform.CountStreamsAsync());
    }

    [Fact]
    public async Task The_same_key_with_different_content_is_refused()
    {
        var request = Requests.Valid();
        request.IdempotencyKey = $"mail-{Guid.NewGuid():N}";
        var first = await platform.Intake.FileComplaintAsync(request);
        var different = request.Clone();
        different.Description = "A different complaint altogether";

        var error = await Assert.ThrowsAsync<RpcException>(() => platform.Intake.FileComplaintAsync(different).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Contains(first.ComplaintNumber, error.Status.Detail);
        Assert.Equal("idempotency_key", error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
    }

    [Fact]
    public async Task The_acknowledgement_promises_concrete_deadlines()
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid());

        var filedAt = filed.FiledAt.ToDateTimeOffset();
        Assert.Equal(filedAt.AddMinutes(10), filed.FirstResponseDue.ToDateTimeOffset());
        Assert.Equal(filedAt.AddHours(24), filed.ResolutionDue.ToDateTimeOffset());
    }

    [Fact]
    public async Task A_second_complaint_on_the_same_subject_is_a_repeat_linked_to_the_first()
    {
        var customerId = $"CUST-{Guid.NewGuid():N}"[..20];
        FileComplaintRequest About(string order, string description)
        {
            var request = Requests.Valid(Channel.Phone, description);
            request.Customer.CustomerId = customerId;
            request.Subject = new Subject { OrderRef = order };
            return request;
        }

        var first = await platform.Intake.FileComplaintAsync(About("ORD-1", "The fridge arrived with a dent."));
        platform.Clock.Advance(TimeSpan.FromMinutes(1));
        var other = await platform.Intake.FileComplaintAsync(About("ORD-2", "My other order is late."));
        platform.Clock.Advance(TimeSpan.FromMinutes(1));
        var repeat = await platform.Intake.FileComplaintAsync(About("ord-1", "冰箱还是有凹痕，没人处理！"));

        Assert.False(first.Repeat);
        Assert.False(other.Repeat);
        Assert.True(repeat.Repeat);
        Assert.Equal([other.ComplaintId, first.ComplaintId], repeat.EarlierComplaintIds);
        // A repeat counts as high priority: a first response within 5 minutes, tighter than general's 10.
        Assert.Equal(repeat.FiledAt.ToDateTimeOffset().AddMinutes(5), repeat.FirstResponseDue.ToDateTimeOffset());

        var history = await platform.IntakeAs("mgr-care").ListCustomerComplaintsAsync(new ListCustomerComplaintsRequest { CustomerId = customerId });
        Assert.Equal([repeat.ComplaintId, other.ComplaintId, first.ComplaintId], history.Complaints.Select(c => c.ComplaintId));
        Assert.Equal(first.ComplaintId, history.Complaints[0].RepeatOf);
        // The order reference identifies the customer: kept only as a pseudonym, the same for the same order.
        Assert.StartsWith("order:", history.Complaints[0].SubjectKey);
        Assert.DoesNotContain("ORD-1", history.Complaints[0].SubjectKey, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(history.Complaints[0].SubjectKey, history.Complaints[2].SubjectKey);
        Assert.NotEqual(history.Complaints[0].SubjectKey, history.Complaints[1].SubjectKey);

        var triaged = await platform.WaitForComplaintAsync(repeat.ComplaintId, c => c.Priority.Length > 0, TimeSpan.FromSeconds(60));
        Assert.Equal("high", triaged.Priority);
    }

    [Fact]
    public async Task Chinese_and_other_unicode_text_round_trips_exactly()
    {
        const string description = "客服态度很差 😡，说“这不是我们的责任”。Ünïcödé, עברית, ﷺ, e\u0301, 𠀋.";
        var request = Requests.Valid(Channel.SocialMedia, description);
        request.Customer.Name = "欧阳娜娜";
        request.Attachments.Add(new Attachment { FileName = "截图.png", ContentType = "image/png", SizeBytes = 2048, Uri = "s3://bucket/截图.png" });

        var filed = await platform.Intake.FileComplaintAsync(request);
        var complaint = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });

        Assert.Equal(description, complaint.Description);
        Assert.Contains("欧阳娜娜", complaint.History[0].DataJson);
        Assert.Contains("截图.png", complaint.History[0].DataJson);
    }

    [Fact]
    public async Task Too_many_or_oversized_attachments_are_refused_field_by_field()
    {
        var request = Requests.Valid();
        for (var i = 0; i < 11; i++)
            request.Attachments.Add(new Attachment { FileName = $"f{i}.jpg", SizeBytes = 1024 });
        request.Attachments[2].SizeBytes = 100L * 1024 * 1024;

        var error = await Assert.ThrowsAsync<RpcException>(() => platform.Intake.FileComplaintAsync(request).ResponseAsync);

        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field).ToList();
        Assert.Contains("attachments", fields);
        Assert.Contains("attachments[2].size_bytes", fields);
    }

    [Fact]
    public async Task Listing_without_a_customer_id_is_invalid()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            platform.IntakeAs("sup-care").ListCustomerComplaintsAsync(new ListCustomerComplaintsRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }
}
