using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace Complaints.Client;

public static class AuthenticatedChannel
{
    /// <summary>
    /// A gRPC channel that sends a bearer token from <paramref name="credentials"/> on every call.
    /// Over plain http (local development, or TLS ended by a mesh) the token travels in clear,
    /// which gRPC only allows when told so.
    /// </summary>
    public static GrpcChannel For(string address, ClientCredentials credentials, GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        var bearer = CallCredentials.FromInterceptor(async (_, metadata) =>
            metadata.Add("Authorization", "Bearer " + await credentials.GetTokenAsync()));
        var secure = address.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        options.Credentials = ChannelCredentials.Create(secure ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, bearer);
        options.UnsafeUseInsecureChannelCallCredentials = !secure;
        return GrpcChannel.ForAddress(address, options);
    }

    /// <summary>
    /// What docs/operations.md tells channel systems to do: a call answered <c>Unavailable</c> (the
    /// store or broker failed under it; nothing was recorded) or <c>Aborted</c> (someone changed the
    /// complaint first; the service decides again on the new state) is tried again, up to five
    /// times in all, with exponential backoff and jitter. Writes stay safe to repeat: FileComplaint
    /// carries its idempotency key, and every other write is decided afresh on the stream.
    /// </summary>
    public static readonly RetryPolicy RetryPolicy = new()
    {
        MaxAttempts = 5,
        InitialBackoff = TimeSpan.FromMilliseconds(200),
        MaxBackoff = TimeSpan.FromSeconds(3),
        BackoffMultiplier = 2,
        RetryableStatusCodes = { StatusCode.Unavailable, StatusCode.Aborted },
    };

    /// <summary><see cref="For"/> with <see cref="RetryPolicy"/> on every method: the channel for the CLI, the demos and the load generator.</summary>
    public static GrpcChannel Retrying(string address, ClientCredentials credentials, GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        options.ServiceConfig = new ServiceConfig { MethodConfigs = { new MethodConfig { Names = { MethodName.Default }, RetryPolicy = RetryPolicy } } };
        return For(address, credentials, options);
    }
}
