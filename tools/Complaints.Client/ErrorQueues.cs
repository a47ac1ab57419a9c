using RabbitMQ.Client;

namespace Complaints.Client;

/// <summary>
/// The operators' view of dead letters: every "{queue}_error" queue MassTransit moved failed
/// messages to, and replaying them onto their queue once the cause is fixed. Each message is taken
/// unacknowledged, published to its queue with publisher confirms, and only then acknowledged, so a
/// failure half way loses nothing (at worst a message is there twice; consumers are idempotent).
/// </summary>
public sealed class ErrorQueues(Uri broker, Uri management)
{
    public const string Suffix = "_error";

    /// <summary>Where the broker puts messages past their queue's delivery limit (declared by the services).</summary>
    public const string DeadLetterQueue = "complaints-dead-letters";

    /// <summary>Every error queue of the broker's virtual host with the messages waiting in it (RabbitMQ's management API).</summary>
    public async Task<IReadOnlyList<(string Queue, long Messages)>> ListAsync(CancellationToken cancellationToken = default)
    {
        var vhost = broker.AbsolutePath.Trim('/') is { Length: > 0 } path ? Uri.UnescapeDataString(path) : "/";
        using var http = new HttpClient();
        var user = Uri.UnescapeDataString(management.UserInfo);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user)));
        var url = $"{management.GetLeftPart(UriPartial.Authority)}/api/queues/{Uri.EscapeDataString(vhost)}?columns=name,messages";
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(url, cancellationToken));
        return document.RootElement.EnumerateArray()
            .Select(q => (Queue: q.GetProperty("name").GetString()!, Messages: q.TryGetProperty("messages", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.Number ? m.GetInt64() : 0))
            .Where(q => q.Queue.EndsWith(Suffix, StringComparison.Ordinal) || q.Queue == DeadLetterQueue)
            .OrderBy(q => q.Queue, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Moves up to <paramref name="max"/> messages of <paramref name="errorQueue"/> back to the queue they failed on; returns how many.</summary>
    public async Task<int> ReplayAsync(string errorQueue, int max = int.MaxValue, CancellationToken cancellationToken = default)
    {
        var deadLetters = errorQueue == DeadLetterQueue;
        if (!deadLetters && !errorQueue.EndsWith(Suffix, StringComparison.Ordinal))
            throw new ArgumentException($"{errorQueue} is neither an error queue (*{Suffix}) nor {DeadLetterQueue}");
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);

        var moved = 0;
        while (moved < max && await channel.BasicGetAsync(errorQueue, autoAck: false, cancellationToken) is { } message)
        {
            // An error queue's messages go back to its queue; a dead letter to the queue its x-death header names.
            var target = deadLetters ? DeadLetteredFrom(message.BasicProperties) : errorQueue[..^Suffix.Length];
            if (target is null)
            {
                await channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true, cancellationToken);
                throw new InvalidOperationException($"A message in {errorQueue} does not say which queue it came from; move it by hand");
            }
            var properties = new BasicProperties(message.BasicProperties)
            {
                // The fault's own headers described the last failure; the replay starts afresh.
                Headers = message.BasicProperties.Headers?
                    .Where(h => !h.Key.StartsWith("MT-Fault", StringComparison.Ordinal) && h.Key != "MT-Reason")
                    .ToDictionary(h => h.Key, h => h.Value),
            };
            await channel.BasicPublishAsync("", target, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }
        return moved;
    }

    private static string? DeadLetteredFrom(IReadOnlyBasicProperties properties)
    {
        if (properties.Headers is null || !properties.Headers.TryGetValue("x-death", out var value)) return null;
        if (value is not IList<object> { Count: > 0 } deaths || deaths[0] is not IDictionary<string, object?> death) return null;
        return death.TryGetValue("queue", out var queue) && queue is byte[] name ? System.Text.Encoding.UTF8.GetString(name) : null;
    }
}
