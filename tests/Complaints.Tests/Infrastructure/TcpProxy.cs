using System.Net;
using System.Net.Sockets;

namespace Complaints.Tests.Infrastructure;

/// <summary>
/// A TCP forwarder the services reach the broker through, so a test can take the broker away
/// from them (every connection dropped, new ones refused) and give it back, without touching
/// the broker itself or other users of it.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<TcpClient> open = [];
    private volatile bool cut;

    public TcpProxy(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Drops every connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        cut = true;
        lock (open)
        {
            foreach (var client in open) client.Dispose();
            open.Clear();
        }
    }

    public void Restore() => cut = false;

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient inbound;
            try { inbound = await listener.AcceptTcpClientAsync(stopping.Token); }
            catch (Exception) { return; }
            if (cut) { inbound.Dispose(); continue; }
            _ = ForwardAsync(inbound);
        }
    }

    private async Task ForwardAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(targetHost, targetPort, stopping.Token);
            lock (open) { open.Add(inbound); open.Add(outbound); }
            await using var a = inbound.GetStream();
            await using var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, stopping.Token), b.CopyToAsync(a, stopping.Token));
        }
        catch (Exception)
        {
            // A dropped connection is what Cut() is for; the client sees it as a broken socket.
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
            lock (open) { open.Remove(inbound); open.Remove(outbound); }
        }
    }

    public ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener.Stop();
        Cut();
        return ValueTask.CompletedTask;
    }
}
