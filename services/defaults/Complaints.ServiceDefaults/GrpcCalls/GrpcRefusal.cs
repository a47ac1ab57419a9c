using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Complaints.ServiceDefaults.GrpcCalls;

/// <summary>Answers a gRPC call from middleware, before any handler: a trailers-only response with a status and its reason.</summary>
public static class GrpcRefusal
{
    public static void Write(HttpContext context, global::Grpc.Core.StatusCode code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }

    /// <summary>
    /// The same refusal on the HTTP API: the HTTP status JSON transcoding gives that gRPC status and a
    /// google.rpc.Status body; a missing or bad token also gets the standard WWW-Authenticate challenge.
    /// </summary>
    public static Task WriteJsonAsync(HttpContext context, global::Grpc.Core.StatusCode code, string message)
    {
        context.Response.StatusCode = code switch
        {
            global::Grpc.Core.StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
            global::Grpc.Core.StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
            global::Grpc.Core.StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status400BadRequest,
        };
        if (code == global::Grpc.Core.StatusCode.Unauthenticated) context.Response.Headers.WWWAuthenticate = "Bearer";
        context.Response.ContentType = "application/json";
        var body = new Google.Rpc.Status { Code = (int)code, Message = message };
        return context.Response.WriteAsync(Google.Protobuf.JsonFormatter.Default.Format(body));
    }
}
