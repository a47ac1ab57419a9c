using Complaints.Contracts.Intake.V1;
using Complaints.ServiceDefaults;
using Grpc.Core;

namespace Complaints.Intake.FileComplaint;

/// <summary>
/// The retry key may also come as the <c>Idempotency-Key</c> header (HTTP API) or metadata entry
/// (gRPC), the convention HTTP clients and payment APIs use; it then works exactly like the
/// request's <c>idempotency_key</c> field. Both given and different is a mistake worth refusing.
/// </summary>
public static class IdempotencyKeyHeader
{
    public const string Name = "idempotency-key";

    public static void Apply(FileComplaintRequest request, ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue(Name)?.Trim();
        if (string.IsNullOrEmpty(header)) return;
        if (request.IdempotencyKey.Length == 0)
        {
            request.IdempotencyKey = header;
            return;
        }
        if (request.IdempotencyKey.Trim() != header)
            new FieldViolations().Add("idempotency_key", "differs from the Idempotency-Key header; send one of them, or the same key in both").ThrowIfAny();
    }
}
