using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Collects field-level validation errors and turns them into one InvalidArgument status that
/// carries a google.rpc.BadRequest, so clients can point at the offending fields.
/// </summary>
public sealed class FieldViolations
{
    private readonly List<BadRequest.Types.FieldViolation> violations = [];

    public IReadOnlyList<BadRequest.Types.FieldViolation> All => violations;

    public FieldViolations Add(string field, string description)
    {
        violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return this;
    }

    public void ThrowIfAny()
    {
        if (violations.Count == 0) return;
        Throw(Code.InvalidArgument, "Invalid request: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")));
    }

    /// <summary>Fails the call with <paramref name="code"/> (AlreadyExists, FailedPrecondition...) and these fields as detail.</summary>
    public void Throw(Code code, string message)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)code,
            Message = message,
            Details = { Any.Pack(new BadRequest { FieldViolations = { violations } }) },
        };
        throw status.ToRpcException();
    }
}
