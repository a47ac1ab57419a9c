using Complaints.Domain.Rules;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Complaints.ServiceDefaults.GrpcCalls;

/// <summary>The one mapping from the rules' refusals to gRPC statuses (and, through transcoding, HTTP).</summary>
public static class RejectionStatus
{
    public static Code CodeOf(RejectionKind kind) => kind switch
    {
        RejectionKind.InvalidArgument => Code.InvalidArgument,
        RejectionKind.NotFound => Code.NotFound,
        RejectionKind.FailedPrecondition => Code.FailedPrecondition,
        RejectionKind.PermissionDenied => Code.PermissionDenied,
        RejectionKind.AlreadyExists => Code.AlreadyExists,
        RejectionKind.Conflict => Code.Aborted,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a rejection kind without a status"),
    };

    public static RpcException ToRpcException(Rejection rejection)
    {
        var status = new Google.Rpc.Status { Code = (int)CodeOf(rejection.Kind), Message = rejection.Message };
        if (rejection.Fields.Count > 0)
            status.Details.Add(Any.Pack(new BadRequest
            {
                FieldViolations = { rejection.Fields.Select(f => new BadRequest.Types.FieldViolation { Field = f.Field, Description = f.Description }) },
            }));
        return status.ToRpcException();
    }
}
