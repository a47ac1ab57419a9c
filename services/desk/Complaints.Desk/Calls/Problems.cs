using Grpc.Core;

namespace Complaints.Desk.Calls;

/// <summary>What a service's refusal or an outage means to the person at the desk, in their language.</summary>
public static class Problems
{
    public sealed record Problem(string Message, bool SessionOver);

    public static Problem Describe(RpcException ex, Words.Words words) => ex.StatusCode switch
    {
        // The services' own detail names the field and what is wrong with it.
        StatusCode.InvalidArgument => new(words["problem.invalid"] + " " + ex.Status.Detail, false),
        StatusCode.NotFound => new(words["problem.not-found"] + " " + ex.Status.Detail, false),
        StatusCode.PermissionDenied => new(words["problem.denied"] + " " + ex.Status.Detail, false),
        StatusCode.FailedPrecondition => new(words["problem.precondition"] + " " + ex.Status.Detail, false),
        StatusCode.AlreadyExists => new(words["problem.exists"] + " " + ex.Status.Detail, false),
        StatusCode.Aborted => new(words["problem.changed"], false),
        StatusCode.Unauthenticated => new(words["problem.session"], true),
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Cancelled => new(words["problem.unavailable"], false),
        _ => new(words["problem.other"] + $" ({ex.StatusCode})", false),
    };
}
