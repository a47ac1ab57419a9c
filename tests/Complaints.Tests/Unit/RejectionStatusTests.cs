using Complaints.Domain.Rules;
using Complaints.ServiceDefaults.GrpcCalls;
using Google.Rpc;
using Grpc.Core;

namespace Complaints.Tests.Unit;

/// <summary>The one mapping from the rules' refusals to gRPC statuses: each kind to its code, fields as BadRequest detail.</summary>
public sealed class RejectionStatusTests
{
    [Theory]
    [InlineData(RejectionKind.InvalidArgument, StatusCode.InvalidArgument)]
    [InlineData(RejectionKind.NotFound, StatusCode.NotFound)]
    [InlineData(RejectionKind.FailedPrecondition, StatusCode.FailedPrecondition)]
    [InlineData(RejectionKind.PermissionDenied, StatusCode.PermissionDenied)]
    [InlineData(RejectionKind.AlreadyExists, StatusCode.AlreadyExists)]
    [InlineData(RejectionKind.Conflict, StatusCode.Aborted)]
    public void Each_kind_of_refusal_has_its_status(RejectionKind kind, StatusCode expected)
    {
        var status = RejectionStatus.ToRpcException(new Rejection(kind, "why"));
        Assert.Equal(expected, status.StatusCode);
        Assert.Equal("why", status.Status.Detail);
    }

    [Fact]
    public void Every_kind_is_mapped()
    {
        foreach (var kind in Enum.GetValues<RejectionKind>())
            Assert.NotEqual(Code.Unknown, RejectionStatus.CodeOf(kind));
    }

    [Fact]
    public void Field_problems_travel_as_bad_request_detail()
    {
        var status = RejectionStatus.ToRpcException(new Rejection(RejectionKind.InvalidArgument, "Invalid request",
            [new FieldProblem("message", "\"guaranteed\" is an absolute promise"), new FieldProblem("channel", "is required")]));
        var badRequest = status.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Equal(["message", "channel"], badRequest.FieldViolations.Select(v => v.Field));
    }
}
