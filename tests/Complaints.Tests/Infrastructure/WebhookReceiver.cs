using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Complaints.Intake.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Complaints.Tests.Infrastructure;

/// <summary>
/// A channel system's webhook endpoint: a real HTTP server on a fixed port that checks each
/// delivery's signature (with the secret the channel holds) and records what arrived. It can be
/// taken down (the port refuses connections) and brought back on the same port.
/// </summary>
public sealed class WebhookReceiver(int port, string secret, Func<DateTimeOffset> now) : IAsyncDisposable
{
    public sealed record Delivery(string Id, string Type, string ComplaintId, long Sequence, string? Message, bool SignatureValid, JsonObject Body);

    private readonly ConcurrentQueue<Delivery> deliveries = new();
    private WebApplication? app;

    public Uri Address => new($"http://127.0.0.1:{port}/hooks/complaints");

    public IReadOnlyList<Delivery> All => [.. deliveries];

    public IReadOnlyList<Delivery> For(string complaintId) => [.. deliveries.Where(d => d.ComplaintId == complaintId)];

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/hooks/complaints", async (HttpRequest request) =>
        {
            // The raw body, as signed: a receiver must not re-serialise before checking.
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            var valid = WebhookSignature.Verify(request.Headers[WebhookSignature.Header].ToString(), secret, body, now(), TimeSpan.FromMinutes(5));
            if (!valid) return Results.Unauthorized();
            var json = JsonNode.Parse(body)!.AsObject();
            deliveries.Enqueue(new Delivery(json["id"]!.GetValue<string>(), json["type"]!.GetValue<string>(), json["complaintId"]!.GetValue<string>(),
                json["sequence"]!.GetValue<long>(), json["message"]?.GetValue<string>(), valid, json));
            return Results.NoContent();
        });
        await app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (app is null) return;
        await app.StopAsync();
        await app.DisposeAsync();
        app = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
