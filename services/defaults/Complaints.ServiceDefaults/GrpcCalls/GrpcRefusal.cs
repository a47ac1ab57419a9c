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
}
