using System.Diagnostics;
using System.Text.Json;
using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.Contracts.Routing.V1;
using Complaints.ServiceDefaults;
using Complaints.Tests.Infrastructure;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Complaints.Tests.Integration;

/// <summary>
/// Read models and sweepers that act on news arriving late, twice or out of order: they follow the
/// stream's versions and check the stream itself, so the permanent history never records what did not happen.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ReliabilityTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static FileComplaintRequest Billing()
    {
        var request = Requests.Valid(Channel.Email, "I was charged a fee twice on my bill.");
        request.Subject = new Subject { OrderRef = $"ORD-{Guid.NewGuid():N}"[..16] };
        return request;
    }

    /// <summary>Publishes an event of the complaint's history again, as a redelivery would, with its stream version.</summary>
    private async Task RedeliverAsync<T>(T @event, long version, string consumer = "follow-case-progress") where T : class
    {
        var messageId = NewId.NextGuid();
        await platform.IntakeBus.Publish(@event, context =>
        {
            context.MessageId = messageId;
            context.Headers.Set(ComplaintEventRelay.StreamVersionHeader, version);
        });
        // Routing's consumer has handled it.
        await PlatformFixture.UntilAsync(() => Task.FromResult(platform.Spans.Snapshot().Any(a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Consumer
                                                    && a.DisplayName.Contains(consumer)
                                                    && Equals(a.GetTagItem("messaging.masstransit.message_id")?.ToString(), messageId.ToString()))),
            $"{consumer} consumes the redelivered event");
    }

    [Fact]
    public async Task A_case_file_folded_again_from_its_first_event_keeps_the_corrected_priority_in_the_queue()
    {
        var filed = await platform.Intake.FileComplaintAsync(Billing());
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        await platform.RoutingAs(assigned.AgentId).CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = filed.ComplaintId, Emotion = "out_of_control", Reason = "the customer was shouting on the call",
        });
        async Task<string?> PriorityAsync() => (await platform.ResolutionAs(assigned.AgentId).ListWholeQueueAsync(new ListQueueRequest()))
            .Entries.SingleOrDefault(e => e.ComplaintId == filed.ComplaintId)?.Priority;
        await PlatformFixture.UntilAsync(async () => await PriorityAsync() == "high", "resolution follows the correction");

        // The case file as the previous release wrote it (it recorded no folded version), then the
        // relay's notice of the triage's page arriving again: the file folds the whole stream again,
        // the triage before its correction.
        var id = Guid.Parse(filed.ComplaintId);
        async Task<long> FoldedVersionAsync()
        {
            await using var read = platform.Database.CreateCommand(
                $"select (data ->> 'FoldedVersion')::bigint from {Complaints.ServiceDefaults.ComplaintsSettings.EventStoreSchema}.mt_doc_casefile where id = @id");
            read.Parameters.AddWithValue("id", id);
            return (long)(await read.ExecuteScalarAsync())!;
        }
        Assert.True(await FoldedVersionAsync() > 0);
        await using (var forget = platform.Database.CreateCommand(
            $"update {Complaints.ServiceDefaults.ComplaintsSettings.EventStoreSchema}.mt_doc_casefile set data = jsonb_set(data, '{{FoldedVersion}}', '0') where id = @id"))
        {
            forget.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await forget.ExecuteNonQueryAsync());
        }
        var triage = assigned.History.Single(h => h.EventType == "complaint_triaged");
        await platform.IntakeBus.Publish(new ComplaintsChanged([new ComplaintChange(id, triage.Version, [nameof(ComplaintTriaged)])]));
        await PlatformFixture.UntilAsync(async () => await FoldedVersionAsync() > 0, "resolution folds the case file again");

        Assert.Equal("high", await PriorityAsync());
    }

    private async Task<bool> InCasesOfAsync(string assignee, string id) =>
        (await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = assignee })).Cases.Any(c => c.ComplaintId == id);

    [Fact]
    public async Task A_resolution_redelivered_after_the_reopening_leaves_the_case_open()
    {
        var (id, agent) = await Journeys.ResolvedAsync(platform, Billing());
        await platform.WaitForComplaintAsync(id, c => c.History.Any(h => h.EventType == "callback_scheduled"), Timeout);
        await platform.FollowupAs(agent).RecordSurveyAsync(new RecordSurveyRequest { ComplaintId = id, Timeliness = 1, Solution = 1, Attitude = 2, Nps = 0 });
        var reopened = await platform.WaitForComplaintAsync(id, c => c.History.Count(h => h.EventType == "complaint_escalated") == 1, Timeout);
        Assert.True(await InCasesOfAsync(reopened.AgentId, id));

        var resolution = reopened.History.Single(h => h.EventType == "complaint_resolved");
        await RedeliverAsync(JsonSerializer.Deserialize<ComplaintResolved>(resolution.DataJson, JsonSerializerOptions.Web)!, resolution.Version);

        Assert.True(await InCasesOfAsync(reopened.AgentId, id), "the redelivered resolution closed the reopened case");
    }

    [Fact]
    public async Task A_rejection_overtaken_by_the_resolution_escalates_nothing()
    {
        var (id, agent) = await Journeys.ResolvedAsync(platform, Billing());
        await PlatformFixture.UntilAsync(async () => !await InCasesOfAsync(agent, id), "routing closes the resolved case");
        var resolved = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        var proposal = resolved.History.Single(h => h.EventType == "remedy_proposed");

        // A rejection older than the resolution (its version is before it) arriving only now.
        await RedeliverAsync(new RemedyRejected(Guid.Parse(id), Guid.NewGuid(), "a bigger refund", "care-01", DateTimeOffset.UtcNow), proposal.Version);

        var after = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        Assert.DoesNotContain(after.History, h => h.EventType == "complaint_escalated");
    }

    [Fact]
    public async Task The_missed_update_sweeper_records_nothing_for_an_update_the_case_file_has_not_heard_of_yet()
    {
        var filed = await platform.Intake.FileComplaintAsync(Billing());
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        await PlatformFixture.UntilAsync(async () => (await platform.Resolution.ListWholeQueueAsync(new ListQueueRequest { AgentId = assigned.AgentId }))
            .Entries.Any(e => e.ComplaintId == filed.ComplaintId), "resolution files the assigned case");

        // The update is committed, but RabbitMQ is cut off, so resolution's case file never hears of it.
        platform.Clock.Advance(TimeSpan.FromHours(2));
        platform.BrokerLink.Cut();
        try
        {
            await platform.ResolutionAs(assigned.AgentId).SendProgressUpdateAsync(new SendProgressUpdateRequest
            {
                ComplaintId = filed.ComplaintId, Channel = "sms", Message = "Your refund is with the billing team; I will call you tomorrow at 10 am.",
            });
            // A day after the assignment the case file thinks the customer had no news; the stream says otherwise.
            platform.Clock.Advance(TimeSpan.FromHours(23));
            Assert.Equal(0, await platform.SweepMissedUpdatesAsync(filed.ComplaintId));
        }
        finally
        {
            platform.BrokerLink.Restore();
        }

        var history = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        Assert.DoesNotContain(history.History, h => h.EventType == "progress_update_missed");
    }

    [Fact]
    public async Task The_sla_sweeper_records_no_regulatory_breach_for_a_resolution_routing_has_not_heard_of_yet()
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email,
            "Your newsletter went out with every recipient in the CC field, so my email address is now visible to strangers."));
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        Assert.Equal("privacy_data", assigned.Category);

        // Resolved in time, but RabbitMQ is cut off, so routing's open case still holds the regulators' clocks.
        platform.BrokerLink.Cut();
        try
        {
            var agent = platform.ResolutionAs(assigned.AgentId);
            await agent.SendFirstResponseAsync(new SendFirstResponseRequest
            {
                ComplaintId = filed.ComplaintId, Channel = "email", Message = "I am sorry your address was shared. I will call you back within 2 hours.",
            });
            var remedy = await agent.ProposeRemedyAsync(new ProposeRemedyRequest
            {
                ComplaintId = filed.ComplaintId, Kind = RemedyKind.Apology, Description = "A written apology and the list removed",
            });
            await agent.RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest
            {
                ComplaintId = filed.ComplaintId, RemedyId = remedy.RemedyId, Accepted = true,
                Confirmation = "As agreed today, the mailing list was deleted and our written apology is attached.", ConfirmationChannel = "email",
            });
            // Past every regulator's deadline (15 days, 3 business days).
            platform.Clock.Advance(TimeSpan.FromDays(16));
            var failures = new List<Guid>();
            await platform.SweepSlaAsync((complaint, _) => failures.Add(complaint), Guid.Parse(filed.ComplaintId));
            Assert.Empty(failures);
        }
        finally
        {
            platform.BrokerLink.Restore();
        }

        var history = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        Assert.DoesNotContain(history.History, h => h.EventType == "sla_breached");
    }

    [Fact]
    public async Task A_sweep_limited_to_some_complaints_leaves_every_other_case_alone()
    {
        var mine = await platform.Intake.FileComplaintAsync(Billing());
        var other = await platform.Intake.FileComplaintAsync(Billing());
        await platform.WaitForComplaintAsync(mine.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        await platform.WaitForComplaintAsync(other.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        platform.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(1, await platform.SweepSlaAsync(mine.ComplaintId));

        Assert.Contains((await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = mine.ComplaintId })).History, h => h.EventType == "sla_breached");
        Assert.DoesNotContain((await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = other.ComplaintId })).History, h => h.EventType == "sla_breached");
    }

    [Fact]
    public async Task The_sla_sweeper_records_no_breach_for_a_first_response_routing_has_not_heard_of_yet()
    {
        var filed = await platform.Intake.FileComplaintAsync(Billing());
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);

        // The first response is committed, but RabbitMQ is cut off, so routing's open case never hears of it.
        platform.BrokerLink.Cut();
        try
        {
            await platform.ResolutionAs(assigned.AgentId).SendFirstResponseAsync(new SendFirstResponseRequest
            {
                ComplaintId = filed.ComplaintId, Channel = "phone", Message = "I have your complaint and will call you back within 2 hours.",
            });
            platform.Clock.Advance(TimeSpan.FromHours(1));
            var failures = new List<Guid>();
            await platform.SweepSlaAsync((complaint, _) => failures.Add(complaint), Guid.Parse(filed.ComplaintId));
            Assert.DoesNotContain(Guid.Parse(filed.ComplaintId), failures);
        }
        finally
        {
            platform.BrokerLink.Restore();
        }

        var history = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        Assert.DoesNotContain(history.History, h => h.EventType == "sla_breached");
    }

    [Fact]
    public async Task Two_followup_replicas_sweeping_at_once_fire_a_call_back_once()
    {
        var (id, _) = await Journeys.ResolvedAsync(platform, Billing());
        await platform.WaitForComplaintAsync(id, c => c.History.Any(h => h.EventType == "callback_scheduled"), Timeout);
        platform.Clock.Advance(TimeSpan.FromDays(4));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => platform.SweepCallbacksAsync(id)));
        await platform.SweepCallbacksAsync(id);

        var history = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        Assert.Single(history.History, h => h.EventType == "callback_due");
    }

    [Fact]
    public async Task Events_consumed_while_PostgreSQL_is_down_wait_for_it_instead_of_being_dead_lettered()
    {
        var filed = await platform.Intake.FileComplaintAsync(Billing());
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        var assignment = assigned.History.Single(h => h.EventType == "complaint_assigned");
        var errorsBefore = await ErrorQueueMessagesAsync();

        // The services lose PostgreSQL while routing consumes the event. Ordinary failures are retried
        // RetryLimit (6) times within about 3 s and then dead-lettered; an outage is retried for as long
        // as it lasts: four outage retries, backing off from 0.2 s, outlast those 3 s.
        using var retries = new OutageRetryCounter("routing-", nameof(FirstResponseSent));
        platform.DatabaseLink.Cut();
        try
        {
            await platform.IntakeBus.Publish(new FirstResponseSent(Guid.Parse(filed.ComplaintId), assigned.AgentId, "phone", "", DateTimeOffset.UtcNow),
                context => context.Headers.Set(ComplaintEventRelay.StreamVersionHeader, assignment.Version + 1));
            await PlatformFixture.UntilAsync(() => Task.FromResult(retries.Count >= 4), "routing tries the event again for longer than ordinary failures are");
            Assert.Equal(errorsBefore, await ErrorQueueMessagesAsync());
        }
        finally
        {
            platform.DatabaseLink.Restore();
        }

        // Once it is back, the waiting event is consumed: routing stops the first-response clock.
        await PlatformFixture.UntilAsync(async () => (await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = assigned.AgentId }))
                   .Cases.Single(c => c.ComplaintId == filed.ComplaintId).FirstResponseSent, "the event consumed during the outage is consumed once PostgreSQL is back");
        Assert.Equal(errorsBefore, await ErrorQueueMessagesAsync());
    }

    [Fact]
    public async Task An_operator_lists_the_error_queues_and_replays_a_dead_letter_onto_its_queue()
    {
        // A resolution of a complaint that does not exist: follow-up cannot schedule its call-back,
        // retries a few times, and dead-letters it.
        var errors = new Complaints.Client.ErrorQueues(platform.BrokerAddress, platform.BrokerManagement);
        var before = (await errors.ListAsync()).ToDictionary(q => q.Queue, q => q.Messages);
        await platform.IntakeBus.Publish(new ComplaintResolved(Guid.NewGuid(), Guid.NewGuid(), "care-01", DateTimeOffset.UtcNow),
            context => context.Headers.Set(ComplaintEventRelay.StreamVersionHeader, 9L));

        string? queue = null;
        await PlatformFixture.UntilAsync(async () =>
            (queue = (await errors.ListAsync()).FirstOrDefault(q => q.Queue.Contains("schedule-callback") && q.Messages > before.GetValueOrDefault(q.Queue)).Queue) is not null,
            "the failing message is dead-lettered");
        Assert.NotNull(queue);

        var waiting = (await errors.ListAsync()).Single(q => q.Queue == queue).Messages;
        Assert.Equal((int)waiting, await errors.ReplayAsync(queue));

        // Back on its queue and consumed again: still failing, it comes back, so the cause must be fixed first.
        await PlatformFixture.UntilAsync(async () => (await errors.ListAsync()).Single(q => q.Queue == queue).Messages >= waiting,
            "the replayed message is consumed again (and, still failing, comes back)");
    }

    [Fact]
    public async Task The_relays_lag_is_measured_and_a_stalled_relay_turns_its_health_check_unhealthy()
    {
        var monitor = platform.IntakeApp.Services.GetRequiredService<RelayMonitor>();
        var health = platform.IntakeApp.Services.GetRequiredService<HealthCheckService>();
        Task<HealthReport> RelayHealthAsync() => health.CheckHealthAsync(check => check.Tags.Contains(RelayMonitor.HealthTag));

        platform.BrokerLink.Cut();
        try
        {
            await platform.Intake.FileComplaintAsync(Billing());
            var (highWater, position) = await monitor.ReadAsync(CancellationToken.None);
            Assert.True(highWater > position, $"no lag measured while the broker is cut ({highWater} / {position})");
            Assert.Equal(HealthStatus.Healthy, (await RelayHealthAsync()).Status);

            platform.Clock.Advance(TimeSpan.FromMinutes(3));
            var stalled = await RelayHealthAsync();
            Assert.Equal(HealthStatus.Unhealthy, stalled.Status);
            Assert.Contains("published nothing", stalled.Entries["relay"].Description);
        }
        finally
        {
            platform.BrokerLink.Restore();
        }

        await PlatformFixture.UntilAsync(async () => (await RelayHealthAsync()).Status == HealthStatus.Healthy, "the relay catches up once the broker is back", TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task A_second_relay_cannot_take_the_relay_lock_while_the_first_holds_it()
    {
        // The platform's relay has published (so it holds the lock) ...
        var filed = await platform.Intake.FileComplaintAsync(Billing());
        await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);

        // ... so a second one, as a wrongly configured intake would run, is fenced off.
        await using var database = NpgsqlDataSource.Create(platform.PostgresConnectionString);
        await using var second = new RelayFence(database, NullLogger<RelayFence>.Instance);
        Assert.False(await second.TryTakeAsync(CancellationToken.None));
        await Assert.ThrowsAsync<RelayFencedException>(() => second.EnsureHeldAsync(CancellationToken.None));

        // And the first goes on publishing.
        var next = await platform.Intake.FileComplaintAsync(Billing());
        await platform.WaitForComplaintAsync(next.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
    }

    [Fact]
    public async Task One_broken_case_does_not_stop_the_sla_sweep_of_the_others()
    {
        // A case whose stream is gone (or whose team was renamed away), already overdue ...
        var store = platform.RoutingApp.Services.GetRequiredService<Marten.IDocumentStore>();
        var broken = new Complaints.Routing.Assignment.OpenCase
        {
            Id = Guid.NewGuid(), ComplaintNumber = "C-BROKEN", Team = "renamed-away", AssigneeId = "nobody",
            FirstResponseDue = platform.Clock.GetUtcNow().AddMinutes(-1), ResolutionDue = platform.Clock.GetUtcNow().AddHours(1),
        };
        broken.RecomputeNextDeadline();
        await using (var session = store.LightweightSession())
        {
            session.Store(broken);
            await session.SaveChangesAsync();
        }
        // ... and a real one that falls due.
        var filed = await platform.Intake.FileComplaintAsync(Billing());
        await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        platform.Clock.Advance(TimeSpan.FromHours(1));

        var failures = new List<Guid>();
        await platform.SweepSlaAsync((id, _) => failures.Add(id), broken.Id, Guid.Parse(filed.ComplaintId));

        Assert.Contains(broken.Id, failures);
        var swept = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        Assert.Contains(swept.History, h => h.EventType == "sla_breached");
        await using (var session = store.LightweightSession())
        {
            session.Delete<Complaints.Routing.Assignment.OpenCase>(broken.Id);
            await session.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task A_message_past_its_delivery_limit_is_dead_lettered_not_dropped_and_can_be_replayed()
    {
        // Every service queue is a quorum queue that dead-letters, at least once, past its delivery limit.
        var serviceQueue = await platform.QueueAsync("routing-route-filed-complaints");
        Assert.Equal("quorum", serviceQueue.GetProperty("type").GetString());
        var arguments = serviceQueue.GetProperty("arguments");
        Assert.Equal(DeadLetters.DeliveryLimit, arguments.GetProperty("x-delivery-limit").GetInt32());
        Assert.Equal(DeadLetters.Exchange, arguments.GetProperty("x-dead-letter-exchange").GetString());

        // A scratch queue declared with exactly those arguments, and a message that keeps failing
        // (as one that crashes its consumer's process would): the broker dead-letters it ...
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = platform.BrokerAddress };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var scratch = $"scratch-{Guid.NewGuid():N}";
        var declared = arguments.EnumerateObject().ToDictionary(a => a.Name, a => (object?)(a.Value.ValueKind == System.Text.Json.JsonValueKind.Number ? a.Value.GetInt32() : a.Value.GetString()));
        await channel.QueueDeclareAsync(scratch, durable: true, exclusive: false, autoDelete: false, declared);
        var body = System.Text.Encoding.UTF8.GetBytes(scratch);
        await channel.BasicPublishAsync("", scratch, mandatory: true, new RabbitMQ.Client.BasicProperties { Persistent = true }, body);
        var returned = 0;
        var until = DateTime.UtcNow + Timeout;
        while (returned <= DeadLetters.DeliveryLimit && DateTime.UtcNow < until)
        {
            // A returned message takes a moment to be deliverable again.
            if (await channel.BasicGetAsync(scratch, autoAck: false) is not { } message) { await Task.Delay(20); continue; }
            await channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true);
            returned++;
        }
        Assert.True(returned > DeadLetters.DeliveryLimit, $"the message came back only {returned} times");

        // ... into the dead-letter queue the services declare, from where the operator's replay returns it.
        var errors = new Complaints.Client.ErrorQueues(platform.BrokerAddress, platform.BrokerManagement);
        await PlatformFixture.UntilAsync(async () => (await errors.ListAsync()).Any(q => q.Queue == DeadLetters.Queue && q.Messages > 0),
            "the message is dead-lettered");
        Assert.True(await errors.ReplayAsync(DeadLetters.Queue) >= 1);
        var back = await channel.BasicGetAsync(scratch, autoAck: true);
        Assert.NotNull(back);
        Assert.Equal(scratch, System.Text.Encoding.UTF8.GetString(back.Body.Span));
        await channel.QueueDeleteAsync(scratch, ifUnused: false, ifEmpty: false);
    }

    [Fact]
    public async Task The_relay_does_not_confirm_an_event_that_no_queue_is_bound_for_yet()
    {
        // An intake with its own relay, database and virtual host, where no consumer has a queue yet.
        var (postgres, broker) = await platform.CreateIsolatedScopeAsync();
        var app = platform.IsolatedIntakeWithRelay(postgres, broker);
        await app.StartAsync();
        try
        {
            var intake = new Contracts.Intake.V1.Intake.IntakeClient(platform.ChannelAs(app, "channel-phone"));
            var filed = await intake.FileComplaintAsync(Billing());
            var monitor = app.Services.GetRequiredService<RelayMonitor>();
            var relay = app.Services.GetRequiredService<ComplaintEventRelay>();

            // Returned by the broker, so retried, not confirmed: the event stays waiting.
            await PlatformFixture.UntilAsync(() => Task.FromResult(relay.FailedAttempts >= 2), "the broker returned the event twice");
            var (highWater, position) = await monitor.ReadAsync(CancellationToken.None);
            Assert.True(highWater > position, "the relay confirmed an event that no queue received");

            // A consumer's queue for the notices appears (follow-up's, say): the page's notice goes out to it, and the page is done.
            var factory = new RabbitMQ.Client.ConnectionFactory { Uri = broker };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            await channel.ExchangeDeclareAsync("Complaints.Contracts.Events:ComplaintsChanged", "fanout", durable: true, autoDelete: false);
            var queue = (await channel.QueueDeclareAsync("late-consumer", durable: true, exclusive: false, autoDelete: false)).QueueName;
            await channel.QueueBindAsync(queue, "Complaints.Contracts.Events:ComplaintsChanged", "");
            RabbitMQ.Client.BasicGetResult? delivered = null;
            await PlatformFixture.UntilAsync(async () => (delivered = await channel.BasicGetAsync(queue, autoAck: true)) is not null,
                "the waiting notice is published once a queue is bound");
            Assert.Contains(filed.ComplaintId, System.Text.Encoding.UTF8.GetString(delivered!.Body.Span));
            await PlatformFixture.UntilAsync(async () => await monitor.ReadAsync(CancellationToken.None) is var (top, at) && at >= top,
                "the relay moves on once the notice is taken");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_relay_stops_at_an_event_type_it_does_not_know_instead_of_skipping_it()
    {
        var (postgres, broker) = await platform.CreateIsolatedScopeAsync();
        var app = platform.IsolatedIntakeWithRelay(postgres, broker);
        await app.StartAsync();
        try
        {
            var factory = new RabbitMQ.Client.ConnectionFactory { Uri = broker };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            // The relay's notices name each complaint it publishes.
            await channel.ExchangeDeclareAsync("Complaints.Contracts.Events:ComplaintsChanged", "fanout", durable: true, autoDelete: false);
            var queue = (await channel.QueueDeclareAsync("filed-watcher", durable: true, exclusive: false, autoDelete: false)).QueueName;
            await channel.QueueBindAsync(queue, "Complaints.Contracts.Events:ComplaintsChanged", "");
            var intake = new Contracts.Intake.V1.Intake.IntakeClient(platform.ChannelAs(app, "channel-phone"));
            var published = new List<string>();
            async Task<bool> SeenAsync(string id)
            {
                while (await channel.BasicGetAsync(queue, autoAck: true) is { } message) published.Add(System.Text.Encoding.UTF8.GetString(message.Body.Span));
                return published.Any(body => body.Contains(id));
            }

            var first = await intake.FileComplaintAsync(Billing());
            await PlatformFixture.UntilAsync(() => SeenAsync(first.ComplaintId), "the relay publishes the first complaint");

            // An event of a type this release does not know (as a newer service would write during a rolling upgrade).
            await using (var database = NpgsqlDataSource.Create(postgres))
            await using (var future = database.CreateCommand($"""
                insert into {ComplaintsSettings.EventStoreSchema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, mt_dotnet_type)
                select nextval('{ComplaintsSettings.EventStoreSchema}.mt_events_sequence'), gen_random_uuid(), s.id, s.version + 1, @data::jsonb,
                       'complaint_future_fact', now(), 'Complaints.Future.ComplaintFutureFact, Complaints.Future'
                from {ComplaintsSettings.EventStoreSchema}.mt_streams s where s.id = @stream;
                update {ComplaintsSettings.EventStoreSchema}.mt_streams set version = version + 1 where id = @stream;
                """))
            {
                future.Parameters.AddWithValue("stream", Guid.Parse(first.ComplaintId));
                future.Parameters.AddWithValue("data", "{}");
                await future.ExecuteNonQueryAsync();
            }

            // What comes after it is not published past it: the relay stops, says where, and its lag says so.
            var second = await intake.FileComplaintAsync(Billing());
            var leader = app.Services.GetRequiredService<RelayLeader>();
            await PlatformFixture.UntilAsync(() => Task.FromResult(leader.LastStop is not null), "the relay reports that it stopped");
            var futureSequence = await FirstSequenceOfTypeAsync(postgres, "complaint_future_fact");
            Assert.True(leader.LastStop!.AfterSequence < futureSequence, $"the relay stopped after {leader.LastStop.AfterSequence}, not before the unknown event {futureSequence}");
            Assert.False(await SeenAsync(second.ComplaintId), "the relay skipped an event it could not read");
            var (highWater, position) = await app.Services.GetRequiredService<RelayMonitor>().ReadAsync(CancellationToken.None);
            Assert.True(highWater > position);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<long> FirstSequenceOfTypeAsync(string postgres, string type)
    {
        await using var database = NpgsqlDataSource.Create(postgres);
        await using var command = database.CreateCommand($"select min(seq_id) from {ComplaintsSettings.EventStoreSchema}.mt_events where type = @type");
        command.Parameters.AddWithValue("type", type);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Messages in the error queues, counted by the broker at the moment of asking (a passive declare;
    /// the management API's figures are up to seconds old).
    /// </summary>
    private async Task<long> ErrorQueueMessagesAsync()
    {
        var names = (await platform.QueueDepthsAsync()).Keys.Where(q => q.EndsWith("_error")).ToList();
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = platform.BrokerAddress };
        await using var connection = await factory.CreateConnectionAsync();
        long total = 0;
        foreach (var name in names)
        {
            await using var channel = await connection.CreateChannelAsync();
            total += (await channel.QueueDeclarePassiveAsync(name)).MessageCount;
        }
        return total;
    }

    /// <summary>Counts <see cref="OutageRetries"/>' measurements for one message type on the queues starting with a prefix.</summary>
    private sealed class OutageRetryCounter : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener listener = new();
        private long count;

        public OutageRetryCounter(string queuePrefix, string messageType)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == OutageRetries.MeterName && instrument.Name == OutageRetries.InstrumentName) l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? queue = null, type = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "messaging.destination.name") queue = tag.Value as string;
                    else if (tag.Key == "complaints.message_type") type = tag.Value as string;
                }
                if (queue?.StartsWith(queuePrefix, StringComparison.Ordinal) == true && type == messageType) Interlocked.Add(ref count, value);
            });
            listener.Start();
        }

        public long Count => Interlocked.Read(ref count);
        public void Dispose() => listener.Dispose();
    }
}
