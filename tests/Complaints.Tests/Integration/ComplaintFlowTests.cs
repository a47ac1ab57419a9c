using System.Diagnostics;
using System.Text.Json;
using Complaints.Contracts.Events;
using Complaints.Contracts.Intake.V1;
using Complaints.Tests.Infrastructure;
using MassTransit;

namespace Complaints.Tests.Integration;

/// <summary>A complaint's way from gRPC intake through Marten and RabbitMQ to routing, on real servers.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ComplaintFlowTests(PlatformFixture platform)
{
    private static readonly TimeSpan RoutingTimeout = TimeSpan.FromSeconds(60);

    private static bool IsRouted(GetComplaintResponse c) => c.History.Any(h => h.EventType == "complaint_assigned");

    [Fact]
    public async Task One_filing_is_followed_to_its_assignment_by_its_correlation_id()
    {
        // A complex case: routing also records a later resolution date, and resolution tells the customer.
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "The washing machine leaks and the drum is broken; 洗衣机漏水。"));
        await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.History.Any(h => h.EventType == "customer_notified"), RoutingTimeout);

        var events = new List<(string Type, Guid Id, string? Correlation, string? Causation)>();
        await using (var command = platform.Database.CreateCommand(
            $"select type, id, correlation_id, causation_id from {Complaints.ServiceDefaults.ComplaintsSettings.EventStoreSchema}.mt_events where stream_id = @stream order by version"))
        {
            command.Parameters.AddWithValue("stream", Guid.Parse(filed.ComplaintId));
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                events.Add((reader.GetString(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        var filing = events[0];
        Assert.Equal("complaint_filed", filing.Type);
        Assert.False(string.IsNullOrEmpty(filing.Correlation));
        Assert.Null(filing.Causation);
        // Every reaction carries the filing's correlation id, and names the event it reacted to.
        Assert.All(events, e => Assert.Equal((e.Type, filing.Correlation), (e.Type, e.Correlation)));
        var ids = events.Select(e => e.Id.ToString()).ToHashSet();
        Assert.All(events.Skip(1), e => Assert.True(e.Causation is not null && ids.Contains(e.Causation), $"{e.Type} names no event of this stream as its cause: {e.Causation}"));
        Assert.Contains(events, e => e.Type == "complaint_assigned");
        Assert.Contains(events, e => e.Type == "resolution_due_changed");
    }

    [Fact]
    public async Task Filed_complaint_is_routed_and_its_history_shows_both_events_in_order()
    {
        var request = Requests.Valid(Channel.RegulatorHotline, "ATM 坏了没有告示，午休只开一个窗口，值班经理态度恶劣。");

        var filed = await platform.Intake.FileComplaintAsync(request);

        Assert.Matches(@"^C-\d{8}-[0-9A-HJKMNP-TV-Z]{8}$", filed.ComplaintNumber);
        var complaint = await platform.WaitForComplaintAsync(filed.ComplaintId, IsRouted, RoutingTimeout);
        // A complaint that reached the regulator is an emergency: crisis team, crisis tier, at once.
        Assert.Equal(ComplaintStatus.Assigned, complaint.Status);
        Assert.Equal("crisis", complaint.Team);
        Assert.Equal("crisis", complaint.Tier);
        Assert.Equal("emergency", complaint.Priority);
        Assert.StartsWith("crisis-", complaint.AgentId);
        Assert.Equal(filed.ComplaintNumber, complaint.ComplaintNumber);
        Assert.Equal(request.Description, complaint.Description);
        Assert.Equal(request.Customer.CustomerId, complaint.CustomerId);
        Assert.Equal(Channel.RegulatorHotline, complaint.Channel);
        Assert.Equal(["complaint_filed", "complaint_triaged", "complaint_routed", "complaint_assigned", "complaint_escalated"],
            complaint.History.Select(h => h.EventType));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], complaint.History.Select(h => h.Version));
        Assert.Contains(request.Description, complaint.History[0].DataJson);
        Assert.Contains("regulator_exposure", complaint.History[1].DataJson);
        Assert.Contains("emergency-regulator-channel", complaint.History[1].DataJson);
    }

    [Fact]
    public async Task A_redelivered_notice_of_the_filing_appends_nothing_twice()
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid());
        await platform.WaitForComplaintAsync(filed.ComplaintId, IsRouted, RoutingTimeout);

        // The relay's notice of the filing's page arriving again over RabbitMQ, several times at
        // once, as after a relay restart or a broker redelivery.
        var notice = new ComplaintsChanged([new ComplaintChange(Guid.Parse(filed.ComplaintId), 1, [nameof(ComplaintFiled)])]);
        var redeliveries = Enumerable.Range(0, 4).Select(_ => NewId.NextGuid()).ToArray();
        await Task.WhenAll(redeliveries.Select(id => platform.IntakeBus.Publish(notice, context => context.MessageId = id)));
        await WaitForConsumedAsync(redeliveries, "routing-route-filed-complaints");

        var after = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        // The washing machine is a complex case: its later resolution date is recorded once, and the customer's notice of it may follow.
        Assert.Equal(["complaint_filed", "complaint_triaged", "complaint_routed", "complaint_assigned", "resolution_due_changed"],
            after.History.Select(h => h.EventType).Where(t => t != "customer_notified"));
    }

    [Fact]
    public async Task Complaint_filed_while_the_broker_is_unreachable_is_routed_once_it_is_back()
    {
        platform.BrokerLink.Cut();
        FileComplaintResponse filed;
        try
        {
            var failedBefore = platform.Relay.FailedAttempts;
            filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email));
            // The relay has tried to publish since the filing and the broker did not take it.
            await PlatformFixture.UntilAsync(() => Task.FromResult(platform.Relay.FailedAttempts > failedBefore), "the relay tried the unreachable broker");
            var during = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
            Assert.Equal(ComplaintStatus.Filed, during.Status);
            Assert.Single(during.History);
        }
        finally
        {
            platform.BrokerLink.Restore();
        }

        var complaint = await platform.WaitForComplaintAsync(filed.ComplaintId, IsRouted, TimeSpan.FromSeconds(120));
        Assert.Equal(["complaint_filed", "complaint_triaged", "complaint_routed", "complaint_assigned", "resolution_due_changed"],
            complaint.History.Select(h => h.EventType).Where(t => t != "customer_notified"));
        Assert.Equal("after-sales", complaint.Team);
    }

    [Fact]
    public async Task Routings_decision_continues_the_trace_begun_by_FileComplaint()
    {
        using var source = new ActivitySource("Complaints.Tests");
        ActivityTraceId traceId;
        FileComplaintResponse filed;
        using (var channelSystem = source.StartActivity("channel system files a complaint", ActivityKind.Client))
        {
            Assert.NotNull(channelSystem);
            traceId = channelSystem.TraceId;
            filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.WebChat));
        }
        await platform.WaitForComplaintAsync(filed.ComplaintId, IsRouted, RoutingTimeout);

        var fileComplaintSpan = await WaitForSpanAsync(a => a.Kind == ActivityKind.Server && a.TraceId == traceId
                                                          && a.DisplayName.Contains("FileComplaint"));
        var decisionSpan = await WaitForSpanAsync(a => a.Source.Name == Complaints.ServiceDefaults.ComplaintsTelemetry.SourceName
                                                     && a.DisplayName == "routing.triage decides"
                                                     && Equals(a.GetTagItem("complaints.stream_id"), Guid.Parse(filed.ComplaintId)));
        Assert.Equal(fileComplaintSpan.TraceId, decisionSpan.TraceId);
    }

    /// <summary>Waits until <paramref name="queue"/>'s endpoint has consumed (its spans ended) every one of these messages.</summary>
    private async Task WaitForConsumedAsync(IReadOnlyCollection<Guid> messageIds, string queue)
    {
        var wanted = messageIds.Select(id => id.ToString()).ToHashSet();
        var deadline = DateTime.UtcNow + RoutingTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var consumed = platform.Spans.Snapshot()
                .Where(a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Consumer && a.DisplayName.Contains(queue))
                .Select(a => a.GetTagItem("messaging.masstransit.message_id")?.ToString())
                .Where(id => id is not null && wanted.Contains(id))
                .Distinct()
                .Count();
            if (consumed == wanted.Count) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("The redelivered messages were not all consumed; consumer spans seen: " + DescribeSpans());
    }

    private async Task<Activity> WaitForSpanAsync(Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow + RoutingTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = platform.Spans.Snapshot().FirstOrDefault(match);
            if (found is not null) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException("No matching span; spans seen: " + DescribeSpans());
    }

    private string DescribeSpans() => string.Join("; ", platform.Spans.Snapshot().Where(a => a.Kind == ActivityKind.Consumer).TakeLast(10)
        .Select(a => $"{a.Source.Name}/{a.Kind}/{a.DisplayName} trace={a.TraceId} tags=[{string.Join(",", a.Tags.Select(t => $"{t.Key}={t.Value}"))}]"));
}
