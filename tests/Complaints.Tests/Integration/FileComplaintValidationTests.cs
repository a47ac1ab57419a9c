using Complaints.Contracts.Intake.V1;
using Complaints.Tests.Infrastructure;
using Google.Rpc;
using Grpc.Core;

namespace Complaints.Tests.Integration;

/// <summary>Bad filings are refused with InvalidArgument naming each bad field, and leave no stream behind.</summary>
[Collection(PlatformCollection.Name)]
public sealed class FileComplaintValidationTests(PlatformFixture platform)
{
    public static TheoryData<string, string> BadRequests => new()
    {
        { "missing customer", "customer" },
        { "blank customer id", "customer.customer_id" },
        { "empty description", "description" },
        { "unspecified channel", "channel" },
        { "oversized description", "description" },
        { "incident in the future", "incident_time" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_filing_is_refused_with_the_offending_field_and_creates_no_stream(string problem, string field)
    {
        var request = Requests.Valid();
        switch (problem)
        {
            case "missing customer": request.Customer = null; break;
            case "blank customer id": request.Customer.CustomerId = "   "; break;
            case "empty description": request.Description = ""; break;
            case "unspecified channel": request.Channel = Channel.Unspecified; break;
            case "oversized description": request.Description = string.Concat(Enumerable.Repeat("投诉", 2001)); break;
            case "incident in the future": request.IncidentTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(platform.Clock.GetUtcNow().AddDays(2)); break;
        }
        var streamsBefore = await platform.CountStreamsAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => platform.Intake.FileComplaintAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Contains(badRequest.FieldViolations, v => v.Field == field);
        Assert.Contains(field, error.Status.Detail);
        Assert.Equal(streamsBefore, await platform.CountStreamsAsync());
    }

    [Fact]
    public async Task Every_bad_field_is_reported_at_once()
    {
        var request = new FileComplaintRequest { Channel = Channel.Unspecified, Description = "" };

        var error = await Assert.ThrowsAsync<RpcException>(() => platform.Intake.FileComplaintAsync(request).ResponseAsync);

        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Equal(new HashSet<string> { "channel", "customer", "description" }, fields);
    }

    [Fact]
    public async Task Unknown_complaint_is_not_found_and_a_malformed_id_is_invalid()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        var malformed = await Assert.ThrowsAsync<RpcException>(() =>
            platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = "C-20261123-XXXX" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal("complaint_id", malformed.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
    }
}
