using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Complaints.ServiceDefaults.GrpcCalls;

/// <summary>
/// A call that arrives while the service is still applying its event store's schema (it started while
/// PostgreSQL was away) waits a little for it, then is answered Unavailable, which clients retry.
/// Health checks never wait: they are how the orchestrator learns the service is not ready.
/// </summary>
public sealed class WaitForSchemaInterceptor(SchemaReadiness schema) : Interceptor
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await WaitAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await WaitAsync(context);
        await continuation(request, responseStream, context);
    }

    private async Task WaitAsync(ServerCallContext context)
    {
        if (schema.Applied || context.Method.StartsWith("/grpc.health.", StringComparison.Ordinal)) return;
        try
        {
            await schema.WhenApplied.WaitAsync(MaxWait, context.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                "The service is starting and its database is not reachable yet; nothing was recorded, retry shortly"));
        }
    }
}
