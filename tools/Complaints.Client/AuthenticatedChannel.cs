using Grpc.Core;
using Grpc.Net.Client;

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
}
