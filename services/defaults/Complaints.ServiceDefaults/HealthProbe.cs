using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Complaints.ServiceDefaults;

/// <summary>Asks services for their grpc.health.v1 "ready" status; used by the chart's <c>helm test</c> hook.</summary>
public static class HealthProbe
{
    public static async Task<int> CheckAsync(IReadOnlyList<string> addresses)
    {
        if (addresses.Count == 0)
        {
            Console.Error.WriteLine("usage: --check-health http://service:8080 [...]");
            return 2;
        }
        var failures = 0;
        foreach (var address in addresses)
        {
            try
            {
                using var channel = GrpcChannel.ForAddress(address);
                var reply = await new Health.HealthClient(channel).CheckAsync(
                    new HealthCheckRequest { Service = HostDefaults.ReadyService }, deadline: DateTime.UtcNow.AddSeconds(10));
                Console.WriteLine($"{address}: {reply.Status}");
                if (reply.Status != HealthCheckResponse.Types.ServingStatus.Serving) failures++;
            }
            catch (Exception ex)
            {
                Console.WriteLine($"{address}: unreachable ({ex.Message})");
                failures++;
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
