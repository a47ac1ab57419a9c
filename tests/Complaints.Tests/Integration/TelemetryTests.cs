using System.Diagnostics;
using System.Diagnostics.Metrics;
using Complaints.Contracts.Intake.V1;
using Complaints.ServiceDefaults;
using Complaints.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Tests.Integration;

/// <summary>What ops teams watch: one trace per complaint across gRPC, PostgreSQL, the relay and RabbitMQ, and the domain meters.</summary>
[Collection(PlatformCollection.Name)]
public sealed class TelemetryTests(PlatformFixture platform)
{
    private static readonly TimeSpan Routed = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task One_complaints_trace_links_the_call_the_database_the_relays_notice_the_broker_and_each_services_decision()
    {
        using var source = new ActivitySource("Complaints.Tests");
        ActivityTraceId traceId;
        FileComplaintResponse filed;
        using (var channelSystem = source.StartActivity("channel system files a complaint", ActivityKind.Client))
        {
            Assert.NotNull(channelSystem);
            traceId = channelSystem.TraceId;
            platform.Spans.Watch(traceId);
            // A complex case: routing records a later resolution date, and resolution tells the customer.
            filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "The washing machine leaks and the drum is broken."));
        }
        await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.History.Any(h => h.EventType == "customer_notified"), Routed);
        var complaintId = Guid.Parse(filed.ComplaintId);
        Activity[] spans = [];
        Activity[] trace = [];
        Activity? Decision(string actor) => trace.SingleOrDefault(a => a.Source.Name == ComplaintsTelemetry.SourceName
            && a.DisplayName == $"{actor} decides" && Equals(a.GetTagItem("complaints.stream_id"), complaintId));
        Activity? Batch(Activity? decision) => decision is null ? null : spans.SingleOrDefault(a => a.SpanId == decision.Links.Single().Context.SpanId);
        await PlatformFixture.UntilAsync(() =>
        {
            // Spans are recorded as they end, not in the order they began: wait for all of those asserted on.
            spans = platform.Spans.Snapshot();
            trace = spans.Where(a => a.TraceId == traceId).ToArray();
            return Task.FromResult(Batch(Decision("routing.triage")) is not null && Batch(Decision("resolution.notices")) is not null);
        }, "routing's and resolution's decisions and their batches recorded");

        var byId = spans.GroupBy(a => a.SpanId).ToDictionary(g => g.Key, g => g.First());
        bool Under(Activity span, Activity ancestor)
        {
            for (var parent = span.ParentSpanId; parent != default && byId.TryGetValue(parent, out var next); parent = next.ParentSpanId)
                if (next.SpanId == ancestor.SpanId) return true;
            return false;
        }

        var call = Assert.Single(trace, a => a.Kind == ActivityKind.Server && a.DisplayName.Contains("FileComplaint"));
        Assert.Contains(trace, a => a.Source.Name == "Npgsql" && Under(a, call));
        // Routing decided on the complaint in the filing's trace, under the call that stored it (the
        // context stored with the filing), and links to its batch, which took the relay's notice from
        // the broker and holds the database work (the append).
        var routing = Decision("routing.triage")!;
        Assert.True(Under(routing, call), "routing's decision is not under the FileComplaint call");
        // The relay's notice of the filing links to the context stored with it, and goes to the broker under its own span.
        var notice = Assert.Single(spans, a => a.DisplayName == "relay ComplaintsChanged" && a.Links.Any(l => l.Context.SpanId == routing.ParentSpanId));
        Assert.Contains(spans, a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Producer && a.ParentSpanId == notice.SpanId);
        var routingBatch = Batch(routing)!;
        Assert.StartsWith("routing.triage writes", routingBatch.DisplayName);
        Assert.Contains(spans, a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Consumer && Under(routingBatch, a));
        await PlatformFixture.UntilAsync(() => Task.FromResult(platform.Spans.Snapshot().Any(a => a.Source.Name == "Npgsql" && a.ParentSpanId == routingBatch.SpanId)),
            "routing's batch wrote to PostgreSQL in its span");

        // Resolution's notice of the new date goes on in the same trace, under routing's decision that moved the date.
        var resolution = Decision("resolution.notices")!;
        Assert.True(Under(resolution, routing), "resolution's notice is not under routing's decision");
        Assert.StartsWith("resolution.notices writes", Batch(resolution)!.DisplayName);
    }

    [Fact]
    public async Task The_domain_meters_count_a_complaint_filed_and_assigned()
    {
        var filedByChannel = 0L;
        var assigned = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ComplaintMetrics.MeterName && instrument.Name is "complaints.filed" or "complaints.assigned") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "complaints.assigned") { Interlocked.Add(ref assigned, value); return; }
            foreach (var tag in tags)
                if (tag.Key == "complaints.channel" && Equals(tag.Value, "branch")) Interlocked.Add(ref filedByChannel, value);
        });
        listener.Start();

        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Branch));
        await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.History.Any(h => h.EventType == "complaint_assigned"), Routed);
        // The relay counts an event once the broker confirmed it; the assignment's count follows its publish.
        await PlatformFixture.UntilAsync(() => Task.FromResult(Interlocked.Read(ref filedByChannel) >= 1 && Interlocked.Read(ref assigned) >= 1),
            "complaints.filed{channel=branch} and complaints.assigned counted");
    }

    [Fact]
    public async Task The_pipeline_gauges_say_how_far_the_relay_and_sealing_are_behind_and_what_waits_for_an_operator()
    {
        var gauges = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name is "complaints.relay.lag" or "complaints.relay.lag.time" or "complaints.sealing.lag" or "complaints.sealing.lag.time"
                or "complaints.dead_letters" or "complaints.webhook.pending")
                l.EnableMeasurementEvents(instrument);
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var queue = tags.ToArray().FirstOrDefault(t => t.Key == "messaging.destination.name").Value;
            gauges[queue is null ? instrument.Name : $"{instrument.Name}[{queue}]"] = value;
        }
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();

        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid());
        await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.History.Any(h => h.EventType == "complaint_assigned"), Routed);
        foreach (var sample in platform.IntakeApp.Services.GetServices<ILagSample>().Prepend(platform.IntakeApp.Services.GetRequiredService<RelayMonitor>()))
            await sample.SampleAsync(CancellationToken.None);
        await platform.Webhooks.SendDueAsync(CancellationToken.None);
        // The dead-letter gauge is measured by each service on its own schedule, the first time as the broker is reached.
        await PlatformFixture.UntilAsync(() =>
        {
            listener.RecordObservableInstruments();
            return Task.FromResult(gauges.ContainsKey($"complaints.dead_letters[{DeadLetters.Queue}]")
                                   && gauges.Keys.Any(k => k.StartsWith("complaints.dead_letters[routing-", StringComparison.Ordinal)));
        }, "the dead-letter queue and routing's error queues measured");

        foreach (var name in new[] { "complaints.relay.lag", "complaints.relay.lag.time", "complaints.sealing.lag", "complaints.sealing.lag.time", "complaints.webhook.pending" })
        {
            Assert.True(gauges.TryGetValue(name, out var value), $"{name} was not measured");
            Assert.True(value >= 0, $"{name} = {value}");
        }
        // The services' own _error queues are watched too (by name, as MassTransit declared the endpoints).
        Assert.Contains(gauges.Keys, k => k.StartsWith("complaints.dead_letters[routing-", StringComparison.Ordinal) && k.EndsWith("_error]", StringComparison.Ordinal));
    }
}
