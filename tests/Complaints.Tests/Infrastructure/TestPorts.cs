using System.Net;
using System.Net.Sockets;

namespace Complaints.Tests.Infrastructure;

/// <summary>
/// Ports for servers the tests start on a port known in advance (a service's HTTP API, the webhook
/// receiver, which is taken down and brought back on the same port, the desk). A port asked of the
/// kernel (port 0) and released is in the ephemeral range, where the kernel hands it to the next
/// outgoing connection (to PostgreSQL, RabbitMQ, ...) before the server binds it: "address already
/// in use" at random. These come from below that range (32768-60999 on Linux), where no connection
/// takes a local port unasked, and each is checked free and handed out once per test run.
/// </summary>
public static class TestPorts
{
    private const int First = 20_000;
    private const int Last = 32_000;
    private static readonly object Gate = new();
    private static int next = First + Random.Shared.Next(Last - First);

    public static int Reserve()
    {
        lock (Gate)
        {
            for (var tries = 0; tries < Last - First; tries++)
            {
                var port = next;
                next = next >= Last ? First : next + 1;
                if (IsFree(port)) return port;
            }
        }
        throw new InvalidOperationException($"No free port between {First} and {Last}");
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }
}
