using Complaints.Contracts.Intake.V1;
using Complaints.Tests.Infrastructure;
using Google.Rpc;
using Google.Protobuf;
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
        { "NUL in the description", "description" },
        { "a thousand requests", "requests" },
        { "the same request twice", "requests" },
        { "javascript attachment", "attachments[0].uri" },
        { "a hundred thousand characters in a reference", "channel_reference" },
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
            case "NUL in the description": request.Description = "The bill\u0000 is wrong"; break;
            case "a thousand requests": request.Requests.AddRange(Enumerable.Repeat(CustomerRequest.Apology, 1000)); break;
            case "the same request twice": request.Requests.AddRange([CustomerRequest.Apology, CustomerRequest.Apology]); break;
            case "javascript attachment":
                request.Attachments.Add(new Attachment { FileName = "bill.pdf", ContentType = "application/pdf", SizeBytes = 100, Uri = "javascript:alert(1)" });
                break;
            case "a hundred thousand characters in a reference": request.ChannelReference = new string('x', 100_000); break;
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
    public async Task Text_that_is_not_valid_UTF_8_is_refused_as_invalid()
    {
        // A client that writes a lone UTF-16 surrogate as its 3-byte form (ED A0 BD), which .NET's own
        // encoder would never send: patched into the serialised request, and sent as raw bytes.
        var request = Requests.Valid();
        request.Customer.Name = "Li QQQ";
        var bytes = request.ToByteArray();
        var at = bytes.AsSpan().IndexOf("QQQ"u8);
        new byte[] { 0xED, 0xA0, 0xBD }.CopyTo(bytes, at);
        var raw = new Method<byte[], FileComplaintResponse>(MethodType.Unary, "complaints.intake.v1.Intake", "FileComplaint",
            Marshallers.Create(b => b, b => b), Marshallers.Create(r => r.ToByteArray(), FileComplaintResponse.Parser.ParseFrom));
        var streamsBefore = await platform.CountStreamsAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            platform.ChannelAs(platform.IntakeApp, "channel-phone").CreateCallInvoker().AsyncUnaryCall(raw, null, new CallOptions(), bytes).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(streamsBefore, await platform.CountStreamsAsync());
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_refused_before_it_is_read()
    {
        var request = Requests.Valid(description: new string('x', 2 * 1024 * 1024));
        var error = await Assert.ThrowsAsync<RpcException>(() => platform.Intake.FileComplaintAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
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
