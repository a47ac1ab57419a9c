using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.ComplaintStreams;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.Domain.ServiceLevels;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Webhooks;

/// <summary>
/// Delivers notices to the channel systems' webhooks. It runs in the relay's leader only, apart
/// from filing and the relay (its own loop, its own HTTP client, a bounded number of deliveries at
/// once), so a slow or dead endpoint never blocks or slows anything else. Each pass records new
/// notices from committed events, then sends what is due: a complaint's oldest pending notice,
/// signed (<see cref="WebhookSignature"/>). A 2xx is delivered; anything else is retried with
/// doubling waits for <see cref="WebhookOptions.RetryFor"/>, then waits for an operator. Every
/// attempt is recorded; delivered and given-up notices go on the complaint's history too
/// (<see cref="NoticeDelivered"/>, <see cref="NoticeDeliveryFailed"/>). The receiver sees each notice
/// at least once (a lost answer means a second delivery of the same id), in order per complaint.
/// </summary>
public sealed class WebhookSender(
    WebhookStore store,
    IDocumentStore documents,
    PersonalDataProtector personalData,
    IHttpClientFactory http,
    RelayLeader leader,
    IOptions<WebhookOptions> options,
    IOptions<SlaOptions> sla,
    TimeProvider clock,
    ILogger<WebhookSender> logger) : BackgroundService
{
    private static readonly Actor Webhooks = Actor.System("intake.webhooks");

    public const string HttpClientName = "webhooks";
    private const string NoticeIdHeader = "Complaints-Notice-Id";

    private static readonly Counter<long> Deliveries = ComplaintMetrics.Meter.CreateCounter<long>(
        "complaints.webhook.deliveries", "{attempt}", "Webhook delivery attempts, by outcome (delivered, retrying, gave_up) and notice type");
    private static long pending, failed;
    private static double oldestPendingSeconds;

    static WebhookSender()
    {
        ComplaintMetrics.Meter.CreateObservableGauge("complaints.webhook.pending", () => Volatile.Read(ref pending), "{notice}", "Notices not yet delivered and still retried");
        ComplaintMetrics.Meter.CreateObservableGauge("complaints.webhook.failed", () => Volatile.Read(ref failed), "{notice}", "Notices given up after the retry window, waiting for an operator");
        ComplaintMetrics.Meter.CreateObservableGauge("complaints.webhook.lag", () => Volatile.Read(ref oldestPendingSeconds), "s", "Age of the oldest notice not yet delivered");
    }

    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(sla.Value.TimeZone);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await StartupRetry.UntilDoneAsync(store.StartAsync, "starting the webhook outbox", logger, stoppingToken);
        if (options.Value.PollInterval > TimeSpan.Zero) await leader.WhileLeadingAsync(LoopAsync, stoppingToken);
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            await SendWhileLeadingAsync(stoppingToken);
        }
        finally
        {
            // A replica that no longer leads stops reporting a backlog it no longer sees.
            Volatile.Write(ref pending, 0);
            Volatile.Write(ref failed, 0);
            Volatile.Write(ref oldestPendingSeconds, 0);
        }
    }

    private async Task SendWhileLeadingAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await SendDueAsync(stoppingToken);
                failures = 0;
                if (sent == 0) await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                logger.Log(failures >= 10 ? LogLevel.Error : LogLevel.Warning, ex, "Webhook pass failed (attempt {Attempt}); notices wait and are retried", failures);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, failures)), clock, stoppingToken);
            }
        }
    }

    /// <summary>One pass: records new notices, then attempts every due one. Returns the attempts made.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        await store.FillAsync(settings.Subscribers.Keys, now, cancellationToken);
        var due = await store.DueAsync(now, settings.Concurrency * 4, cancellationToken);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (notice, token) => await DeliverAsync(notice, settings, token));
        var backlog = await store.BacklogAsync(clock.GetUtcNow(), cancellationToken);
        Volatile.Write(ref pending, backlog.Pending);
        Volatile.Write(ref failed, backlog.Failed);
        Volatile.Write(ref oldestPendingSeconds, backlog.OldestPendingSeconds);
        return due.Count;
    }

    private async Task DeliverAsync(PendingNotice notice, WebhookOptions settings, CancellationToken cancellationToken)
    {
        using var activity = ComplaintsTelemetry.Source.StartActivity("webhook deliver", ActivityKind.Producer);
        activity?.SetTag("complaints.notice.id", notice.EventId.ToString());
        activity?.SetTag("complaints.channel_client", notice.ClientId);
        var kind = NoticeKinds.Of(notice.EventType);
        string? type = null;
        int? statusCode = null;
        string? error = null;
        var started = Stopwatch.GetTimestamp();
        var at = clock.GetUtcNow();
        if (!settings.Subscribers.TryGetValue(notice.ClientId, out var subscriber))
        {
            // The channel no longer has an endpoint: the notice waits (as failed) until one is configured and an operator resends.
            error = "no endpoint configured";
        }
        else
        {
            try
            {
                var (stored, occurredAt, filed) = await store.EventAsync(notice.EventSeq, cancellationToken);
                (type, var body) = await NoticeKinds.BodyAsync(notice, stored, occurredAt, filed, settings.Texts, zone, personalData, cancellationToken);
                using var request = new HttpRequestMessage(HttpMethod.Post, subscriber.Url)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(subscriber.Secrets, at, body));
                request.Headers.Add(NoticeIdHeader, notice.EventId.ToString());
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(settings.Timeout);
                using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                statusCode = (int)response.StatusCode;
                if (!response.IsSuccessStatusCode) error = $"HTTP {statusCode}";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"no answer within {settings.Timeout.TotalSeconds:0} s";
            }
            catch (HttpRequestException ex)
            {
                // The kind of failure only: an exception's text may quote the endpoint's answer.
                error = ex.HttpRequestError.ToString();
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Anything else (a notice that cannot be built, a key that cannot be read) is this
                // notice's failed attempt, recorded and retried like any other; it never stops the rest.
                error = ex.GetType().Name;
                logger.LogWarning(ex, "Webhook notice {NoticeId} could not be sent (attempt {Attempt})", notice.EventId, notice.Attempts + 1);
            }
        }
        var took = Stopwatch.GetElapsedTime(started);
        var outcome = error is null ? NoticeOutcome.Delivered
            : at + Backoff(notice.Attempts + 1, settings) - notice.CreatedAt > settings.RetryFor ? NoticeOutcome.GaveUp
            : NoticeOutcome.Retrying;
        DateTimeOffset? next = outcome == NoticeOutcome.Retrying ? at + Backoff(notice.Attempts + 1, settings) : null;

        var noticeName = type ?? kind.ToString();
        // The record and the history entry commit together. The complaint's stream may be appended to
        // by the services at the same moment: a conflict only means trying the append again.
        for (var attempt = 1; ; attempt++)
        {
            await using var session = documents.LightweightSession();
            WebhookStore.RecordAttempt(session, notice, at, outcome, statusCode, error, took, next);
            if (outcome == NoticeOutcome.Delivered)
                ComplaintWriter.Record(session, Webhooks, notice.ComplaintId,
                    new NoticeDelivered(notice.ComplaintId, notice.EventId, noticeName, notice.Version, notice.ClientId, notice.Attempts + 1, at));
            else if (outcome == NoticeOutcome.GaveUp)
                ComplaintWriter.Record(session, Webhooks, notice.ComplaintId,
                    new NoticeDeliveryFailed(notice.ComplaintId, notice.EventId, noticeName, notice.Version, notice.ClientId, notice.Attempts + 1, error!, at));
            try
            {
                // Recorded even when the pass is being stopped: a notice sent must not be sent again for want of its record.
                using var recording = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await session.SaveChangesAsync(recording.Token);
                break;
            }
            catch (Exception ex) when (ConcurrencyConflicts.Is(ex) && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), CancellationToken.None);
            }
        }

        Deliveries.Add(1, new KeyValuePair<string, object?>("complaints.webhook.outcome", outcome switch
            {
                NoticeOutcome.Delivered => "delivered",
                NoticeOutcome.GaveUp => "gave_up",
                _ => "retrying",
            }),
            new KeyValuePair<string, object?>("complaints.notice.type", noticeName));
        activity?.SetTag("complaints.webhook.outcome", outcome.ToString());
        if (error is not null)
            logger.LogInformation("Webhook notice {NoticeId} to {Client} failed attempt {Attempt}: {Error}; {Outcome}",
                notice.EventId, notice.ClientId, notice.Attempts + 1, error, outcome);
    }

    /// <summary>Doubling waits from <see cref="WebhookOptions.FirstBackoff"/> to <see cref="WebhookOptions.MaxBackoff"/>.</summary>
    public static TimeSpan Backoff(int attempts, WebhookOptions settings) =>
        TimeSpan.FromTicks((long)Math.Min(settings.MaxBackoff.Ticks, settings.FirstBackoff.Ticks * Math.Pow(2, Math.Min(40, attempts - 1))));
}
