using Complaints.Domain.Rules;
using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Complaints.ServiceDefaults.GrpcCalls;

/// <summary>
/// Every RPC's first and last step: rejects unsafe text before any handler runs
/// (<see cref="RequestText"/>), and turns what escapes a handler into a status a client can act on:
/// the database or the network failing is Unavailable (retry), a cancelled call is Cancelled, and
/// only a genuine bug is Internal; never Unknown, and never with internals in the message.
/// </summary>
public sealed class GrpcErrorsInterceptor(ILogger<GrpcErrorsInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (request is IMessage message) RequestText.Check(message).ThrowIfAny();
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Rejection rejection)
        {
            throw RejectionStatus.ToRpcException(rejection);
        }
        catch (Exception ex) when (context.CancellationToken.IsCancellationRequested && ex is OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled"));
        }
        catch (Exception ex) when (ConcurrencyConflicts.Is(ex))
        {
            // Another writer appended to the same complaint between the read and the write (a notice,
            // a breach, a colleague): nothing was written; the caller reads again and retries.
            logger.LogInformation("{Method} lost a race on the same complaint; answered Aborted", context.Method);
            throw new RpcException(new Status(StatusCode.Aborted, "The complaint changed meanwhile; nothing was recorded: reload and retry"));
        }
        catch (Exception ex) when (InfrastructureFailures.Is(ex))
        {
            // The exception's type only: a database error's text can quote the values it refused.
            logger.LogWarning("{Method} failed on infrastructure ({Exception}); answered Unavailable", context.Method, Describe(ex));
            throw new RpcException(new Status(StatusCode.Unavailable,
                "A service the platform depends on is unavailable right now; nothing was recorded, retry shortly"));
        }
        catch (Exception ex)
        {
            logger.LogError("{Method} failed ({Exception}); answered Internal", context.Method, Describe(ex));
            throw new RpcException(new Status(StatusCode.Internal,
                $"An internal error occurred; it was logged with trace {Activity.Current?.TraceId.ToString() ?? "(none)"}"));
        }
    }

    /// <summary>Streams (the audit export) refuse the same way: a rule's rejection keeps its status.</summary>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Rejection rejection)
        {
            throw RejectionStatus.ToRpcException(rejection);
        }
    }

    private static string Describe(Exception ex) =>
        string.Join(" <- ", Chain(ex).Select(e => e is PostgresException pg ? $"{e.GetType().Name} {pg.SqlState}" : e.GetType().Name));

    private static IEnumerable<Exception> Chain(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException) yield return e;
    }
}
