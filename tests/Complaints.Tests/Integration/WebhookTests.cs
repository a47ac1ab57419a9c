using Complaints.Contracts.Intake.V1;
using Complaints.Intake.Webhooks;
using Complaints.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Complaints.Tests.Integration;

/// <summary>
/// Notices reach the channel system that filed a complaint: a real HTTP receiver checks every
/// signature, is taken down while a second complaint moves on, and once it is back receives every
/// notice, once each, in order per complaint; every attempt is recorded and each delivery shows on
/// the complaint's history. The sender is run pass by pass here (its background loop is off in
/// tests), so nothing races the assertions.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class WebhookTests(PlatformFixture platform)
{
    private static readonly string[] MinimalJourney = ["complaint.acknowledged", "complaint.first_response", "complaint.resolved", "complaint.remedy_confirmed"];

    [Fact]
    public async Task Notices_arrive_signed_once_each_and_in_order_even_across_an_outage_of_the_endpoint()
    {
        await using var receiver = new WebhookReceiver(platform.WebhookPort, platform.WebhookSecret, () => platform.Clock.GetUtcNow());
        await receiver.StartAsync();

        // A complaint taken to resolution: its notices arrive while the endpoint is up.
        var (first, _) = await Journeys.ResolvedAsync(platform, Requests.Valid(Channel.WebChat), channelClient: "channel-web");
        var firstExpected = await ExpectedNoticesAsync(first);
        await SendUntilAsync(() => receiver.For(first).Count >= firstExpected.Count, $"the notices of {first}");

        // The endpoint goes away; a second complaint moves on meanwhile. Attempts fail and are recorded.
        await receiver.StopAsync();
        var (second, _) = await Journeys.ResolvedAsync(platform, Requests.Valid(Channel.WebChat), channelClient: "channel-web");
        var secondExpected = await ExpectedNoticesAsync(second);
        await SendUntilAsync(async () => await FailedAttemptsAsync(second) >= 1, $"a failed attempt for {second}");
        Assert.Empty(receiver.For(second));
        Assert.Equal("pending", await StatusOfFirstNoticeAsync(second));

        // Back on the same port; once the backoff has passed, everything arrives.
        await receiver.StartAsync();
        platform.Clock.Advance(TimeSpan.FromHours(1));
        await SendUntilAsync(() => receiver.For(second).Count >= secondExpected.Count, $"the notices of {second}");

        foreach (var (complaint, expected) in new[] { (first, firstExpected), (second, secondExpected) })
        {
            var arrived = receiver.For(complaint);
            // Exactly the history's notices, each once, in the history's order.
            Assert.Equal(expected.Select(e => e.Version), arrived.Select(d => d.Sequence));
            Assert.Equal(expected.Select(e => e.Type), arrived.Select(d => d.Type));
            Assert.Equal(arrived.Count, arrived.Select(d => d.Id).Distinct().Count());
            Assert.All(arrived, d => Assert.True(d.SignatureValid));
            Assert.Equal("complaint.acknowledged", arrived[0].Type);
            Assert.Subset(arrived.Select(d => d.Type).ToHashSet(), MinimalJourney.ToHashSet());
            Assert.All(arrived, d => Assert.False(string.IsNullOrWhiteSpace(d.Message)));
            Assert.Contains("within 2 hours", arrived.Single(d => d.Type == "complaint.first_response").Message);
            Assert.Contains("30 CNY", arrived.Single(d => d.Type == "complaint.remedy_confirmed").Message);
            Assert.StartsWith("C-", arrived[0].Body["complaintNumber"]!.GetValue<string>());
        }

        // Each delivery is on the complaint's history, with the attempts it took.
        var history = await platform.WaitForComplaintAsync(second,
            c => c.History.Count(h => h.EventType == "notice_delivered") >= secondExpected.Count, TimeSpan.FromSeconds(30), readAs: "channel-web");
        var delivered = history.History.Where(h => h.EventType == "notice_delivered").Select(h => System.Text.Json.JsonDocument.Parse(h.DataJson).RootElement).ToList();
        Assert.Contains(delivered, d => Property(d, "Notice") == "complaint.acknowledged" && int.Parse(Property(d, "Attempts")!) >= 2);
        Assert.All(delivered, d => Assert.Equal("channel-web", Property(d, "ChannelClient")));
    }

    private static string? Property(System.Text.Json.JsonElement element, string name) =>
        element.EnumerateObject().First(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value.ToString();

    /// <summary>
    /// The notices a complaint's history calls for, once its reactions have settled (each moved
    /// resolution date has its customer notice): (stream version, notice type), in stream order.
    /// </summary>
    private async Task<List<(long Version, string Type)>> ExpectedNoticesAsync(string complaintId)
    {
        var settled = await platform.WaitForComplaintAsync(complaintId,
            c => c.History.Count(h => h.EventType == "resolution_due_changed") == c.History.Count(h => h.EventType == "customer_notified"),
            TimeSpan.FromSeconds(60), readAs: "channel-web");
        return settled.History
            .Where(h => NoticeKinds.EventTypes.Contains(h.EventType))
            .Select(h => (h.Version, h.EventType switch
            {
                "complaint_filed" => "complaint.acknowledged",
                "first_response_sent" => "complaint.first_response",
                "customer_notified" => "complaint." + Property(System.Text.Json.JsonDocument.Parse(h.DataJson).RootElement, "Purpose"),
                "resolution_confirmed" => "complaint.remedy_confirmed",
                "complaint_resolved" => "complaint.resolved",
                var other => other,
            }))
            .ToList();
    }

    [Fact]
    public void A_signature_verifies_with_either_secret_while_rotating_and_not_when_the_body_or_time_is_off()
    {
        var at = new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
        const string body = """{"id":"n-1","message":"你好"}""";
        var header = WebhookSignature.Sign(["new-secret-0123456789", "old-secret-0123456789"], at, body);
        Assert.True(WebhookSignature.Verify(header, "new-secret-0123456789", body, at.AddSeconds(30), TimeSpan.FromMinutes(5)));
        Assert.True(WebhookSignature.Verify(header, "old-secret-0123456789", body, at.AddSeconds(30), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(header, "another-secret-0123456", body, at, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(header, "new-secret-0123456789", body.Replace("你好", "您好"), at, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(header, "new-secret-0123456789", body, at.AddMinutes(6), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Options_that_cannot_work_are_refused_at_start_and_backoff_doubles_to_its_cap()
    {
        WebhookOptions Valid() => new()
        {
            Subscribers = { ["channel-web"] = new WebhookSubscriber { Url = "https://crm.example.com/hooks", Secrets = ["a-secret-of-16-chars"] } },
        };
        Assert.Null(Valid().Problem());
        var problems = new List<(string Setting, WebhookOptions Options)>
        {
            ("RetryFor", Valid().With(o => o.RetryFor = TimeSpan.FromHours(12))),
            ("Concurrency", Valid().With(o => o.Concurrency = 0)),
            ("Timeout", Valid().With(o => o.Timeout = TimeSpan.Zero)),
            ("MaxBackoff", Valid().With(o => o.MaxBackoff = TimeSpan.FromSeconds(1))),
            ("Url", Valid().With(o => o.Subscribers["channel-web"].Url = "http://crm.example.com/hooks")),
            ("Secrets", Valid().With(o => o.Subscribers["channel-web"].Secrets = ["short"])),
            ("Secrets", Valid().With(o => o.Subscribers["channel-web"].Secrets = ["a-secret-of-16-chars", "b-secret-of-16-chars", "c-secret-of-16-chars"])),
        };
        foreach (var (setting, options) in problems) Assert.Contains(setting, options.Problem());
        Assert.Null(Valid().With(o => o.Subscribers["channel-web"].Url = "http://127.0.0.1:9000/hooks").Problem());

        var settings = Valid();
        Assert.Equal(TimeSpan.FromSeconds(10), WebhookSender.Backoff(1, settings));
        Assert.Equal(TimeSpan.FromSeconds(20), WebhookSender.Backoff(2, settings));
        Assert.Equal(settings.MaxBackoff, WebhookSender.Backoff(500, settings));
        var slow = Valid().With(o => { o.FirstBackoff = TimeSpan.FromMinutes(20); o.MaxBackoff = TimeSpan.FromHours(6); });
        Assert.Equal(TimeSpan.FromHours(6), WebhookSender.Backoff(64, slow));
    }

    /// <summary>Runs the sender a pass at a time until <paramref name="done"/>: the notices come from committed events, which reach the outbox as the store's high-water mark passes them.</summary>
    private Task SendUntilAsync(Func<bool> done, string what) => SendUntilAsync(() => Task.FromResult(done()), what);

    private async Task SendUntilAsync(Func<Task<bool>> done, string what)
    {
        try
        {
            await PlatformFixture.UntilAsync(async () =>
            {
                await platform.Webhooks.SendDueAsync(CancellationToken.None);
                return await done();
            }, what);
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}; the outbox: {await OutboxAsync()}", timeout);
        }
    }

    private async Task<string> OutboxAsync()
    {
        const string schema = Complaints.ServiceDefaults.ComplaintsSettings.EventStoreSchema;
        await using var command = platform.Database.CreateCommand(
            $"select string_agg(concat_ws(' ', complaint_id, version, event_type, client_id, status, attempts, next_attempt_at, last_error), '; ' order by event_seq) from {schema}.webhook_notices");
        var notices = await command.ExecuteScalarAsync();
        await using var position = platform.Database.CreateCommand(
            $"select (select last_seq from {schema}.webhook_position), (select last_seq_id from {schema}.mt_event_progression where name = 'HighWaterMark'), (select max(seq_id) from {schema}.mt_events)");
        await using var reader = await position.ExecuteReaderAsync();
        await reader.ReadAsync();
        var positions = $"{reader.GetValue(0)} {reader.GetValue(1)} {reader.GetValue(2)}";
        await reader.CloseAsync();
        await using var filers = platform.Database.CreateCommand(
            $"select string_agg(concat_ws(' ', seq_id, type, data->>'filedBy'), '; ') from {schema}.mt_events where version = 1");
        var subscribers = string.Join(",", platform.IntakeApp.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.Subscribers.Keys);
        return $"filed: {await filers.ExecuteScalarAsync()}; subscribers {subscribers}; position, high-water mark, last event: {positions}; notices: {notices}; clock {platform.Clock.GetUtcNow():O}";
    }

    private async Task<long> FailedAttemptsAsync(string complaintId)
    {
        await using var command = platform.Database.CreateCommand(
            $"select count(*) from {Complaints.ServiceDefaults.ComplaintsSettings.EventStoreSchema}.webhook_attempts a join {Complaints.ServiceDefaults.ComplaintsSettings.EventStoreSchema}.webhook_notices n on n.event_seq = a.event_seq " +
            "where n.complaint_id = @complaint and not a.delivered");
        command.Parameters.AddWithValue("complaint", Guid.Parse(complaintId));
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<string?> StatusOfFirstNoticeAsync(string complaintId)
    {
        await using var command = platform.Database.CreateCommand(
            $"select status from {Complaints.ServiceDefaults.ComplaintsSettings.EventStoreSchema}.webhook_notices where complaint_id = @complaint order by event_seq limit 1");
        command.Parameters.AddWithValue("complaint", Guid.Parse(complaintId));
        return (string?)await command.ExecuteScalarAsync();
    }
}

internal static class WebhookOptionsChanges
{
    public static WebhookOptions With(this WebhookOptions options, Action<WebhookOptions> change)
    {
        change(options);
        return options;
    }
}
