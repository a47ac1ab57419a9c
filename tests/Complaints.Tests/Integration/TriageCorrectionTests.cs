using System.Text.Json.Nodes;
using Complaints.Client;
using Complaints.Contracts.Audit.V1;
using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Routing.V1;
using Complaints.Routing.Triage;
using Complaints.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Complaints.Tests.Integration;

/// <summary>
/// What triage decides changes what happens, and people correct it: re-routing when the team changes,
/// a day-2 emergency to crisis at once, a supervisor clearing a false one, nuisance contacts out of the
/// KPIs, suggestions in the improvement backlog. Real routing, intake and follow-up over PostgreSQL and RabbitMQ.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class TriageCorrectionTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static bool Assigned(GetComplaintResponse c) => c.AgentId.Length > 0;

    private async Task<GetComplaintResponse> FileAsync(string description)
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Phone, description));
        return await platform.WaitForComplaintAsync(filed.ComplaintId, Assigned, Timeout);
    }

    [Fact]
    public async Task An_agent_corrects_the_category_and_the_case_moves_to_the_owning_team_with_its_load()
    {
        var complaint = await FileAsync("I was charged a fee twice on my bill.");
        Assert.Equal(("billing", "billing_fees"), (complaint.Team, complaint.Category));
        var agent = complaint.AgentId;

        var corrected = await platform.RoutingAs(agent).CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, Category = "logistics_delivery", Reason = "the fee is the courier's redelivery charge",
        });

        Assert.True(corrected.Rerouted);
        Assert.Equal("logistics", corrected.Team);
        Assert.StartsWith("log-", corrected.AssigneeId);
        Assert.Contains(corrected.Changes, c => c is { Aspect: "category", From: "billing_fees", To: "logistics_delivery" });
        var after = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId });
        Assert.Equal(("logistics", "logistics_delivery", corrected.AssigneeId), (after.Team, after.Category, after.AgentId));
        var correction = Assert.Single(after.History, h => h.EventType == "triage_corrected");
        Assert.Contains(agent, correction.DataJson);
        Assert.Contains("courier's redelivery charge", correction.DataJson);
        Assert.DoesNotContain((await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = agent })).Cases,
            c => c.ComplaintId == complaint.ComplaintId);
        Assert.Contains((await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = corrected.AssigneeId })).Cases,
            c => c.ComplaintId == complaint.ComplaintId);

        // The old agent no longer holds it: only its new owner, their supervisor or a manager may correct it now.
        var refused = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs(agent).CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, Kind = "attitude", Reason = "r",
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task A_corrected_priority_reaches_the_agents_queue_in_resolution()
    {
        var complaint = await FileAsync("I was charged a fee twice on my bill.");
        var agent = complaint.AgentId;
        Contracts.Resolution.V1.QueueEntry? entry = null;
        await PlatformFixture.UntilAsync(async () => (entry = (await platform.ResolutionAs(agent).ListWholeQueueAsync(new Contracts.Resolution.V1.ListQueueRequest()))
            .Entries.SingleOrDefault(e => e.ComplaintId == complaint.ComplaintId)) is { Priority.Length: > 0 }, "the case is in the agent's queue with its triage");
        Assert.Equal("general", entry!.Priority);

        var corrected = await platform.RoutingAs(agent).CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, Emotion = "out_of_control", Reason = "the customer was shouting on the call",
        });
        Assert.Contains(corrected.Changes, c => c is { Aspect: "priority", From: "general", To: "high" });

        // Resolution's case file follows the correction (it kept the old priority).
        await PlatformFixture.UntilAsync(async () => (await platform.ResolutionAs(agent).ListWholeQueueAsync(new Contracts.Resolution.V1.ListQueueRequest()))
            .Entries.Single(e => e.ComplaintId == complaint.ComplaintId).Priority == "high", "the queue shows the corrected priority");
    }

    [Fact]
    public async Task Corrected_triages_export_as_corpus_lines_for_review_read_as_an_auditor_with_identifiers_replaced()
    {
        var complaint = await FileAsync("I was charged a fee twice on my bill. Call me on 07700 900123 or write to jo.bloggs@example.com about it.");
        await platform.RoutingAs(complaint.AgentId).CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, Category = "logistics_delivery", Emotion = "angry", Reason = "the fee is the courier's redelivery charge",
        });
        var filedAt = complaint.FiledAt.ToDateTimeOffset();

        var lines = await new TriageCorrectionsExport(platform.Auditor).LinesAsync(filedAt.AddMinutes(-1), filedAt.AddMinutes(1), CancellationToken.None);

        var line = lines.Select(l => JsonNode.Parse(l)!).Single(l => (string?)l["id"] == "corr-" + complaint.ComplaintNumber);
        Assert.Equal(("logistics_delivery", "angry", "en", "train"), ((string?)line["category"], (string?)line["emotion"], (string?)line["lang"], (string?)line["split"]));
        Assert.Equal("I was charged a fee twice on my bill. Call me on [number] or write to [email] about it.", (string?)line["text"]);
        Assert.Contains("agent", (string?)line["source"]);
        Assert.Equal("the fee is the courier's redelivery charge", (string?)line["correctionReasons"]![0]);
        // The corpus reads what the export writes, as training lines.
        var file = Path.Combine(Path.GetTempPath(), $"corrections-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(file, lines);
        var row = Assert.Single(TriageCorpus.Load(file), r => r.Id == "corr-" + complaint.ComplaintNumber);
        Assert.False(row.IsHeldOut);
        File.Delete(file);
        // Reading the customer's words in clear is on the record, under the auditor's name.
        var reads = await platform.Auditor.ListPersonalDataReadsAsync(new ListPersonalDataReadsRequest { Complaint = complaint.ComplaintId, Limit = 20 });
        Assert.Contains(reads.Reads, r => r.Reader == "auditor-01" && r.View == "clear" && r.Rpc.Contains("GetComplaintHistory"));
    }

    [Fact]
    public async Task A_lawyer_mentioned_on_day_two_makes_an_emergency_that_goes_to_crisis_at_once()
    {
        var complaint = await FileAsync("快递三天了还没送到，一直没人联系我");
        Assert.Equal(("logistics", "general"), (complaint.Team, complaint.Priority));

        var corrected = await platform.RoutingAs(complaint.AgentId).CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, AddEmergencyFlags = { "legal_threat" }, Reason = "on today's call the customer said a lawyer is preparing a claim",
        });

        Assert.True(corrected.Rerouted);
        Assert.Equal(("crisis", "crisis", "emergency"), (corrected.Team, corrected.Tier, corrected.Priority));
        var after = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId });
        Assert.Equal(("crisis", "emergency"), (after.Tier, after.Priority));
        Assert.Contains("legal_threat", after.EmergencyFlags);
        Assert.Contains(after.History, h => h.EventType == "complaint_escalated" && h.DataJson.Contains("emergency declared"));
        Assert.Contains(after.History, h => h.EventType == "complaint_routed" && h.DataJson.Contains("triage corrected"));
    }

    [Fact]
    public async Task Only_a_supervisor_clears_a_false_emergency_and_the_case_returns_to_its_team()
    {
        var complaint = await FileAsync("My lawyer friend says I should complain: the app logs me out every day.");
        Assert.Equal(("crisis", "emergency"), (complaint.Team, complaint.Priority));

        var byAgent = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs(complaint.AgentId).CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, ClearEmergency = true, Reason = "no legal threat",
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, byAgent.StatusCode);
        var noReason = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs("crisis-lead").CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, ClearEmergency = true,
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, noReason.StatusCode);
        Assert.Contains("reason", noReason.Status.Detail);

        var cleared = await platform.RoutingAs("crisis-lead").CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, ClearEmergency = true, Reason = "a friend's opinion, no claim: an ordinary app complaint",
        });

        Assert.True(cleared.Rerouted);
        Assert.NotEqual("crisis", cleared.Team);
        Assert.Equal("general", cleared.Priority);
        var after = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId });
        Assert.Empty(after.EmergencyFlags);
        var correction = Assert.Single(after.History, h => h.EventType == "triage_corrected");
        Assert.Contains("crisis-lead", correction.DataJson);
        Assert.Contains("an ordinary app complaint", correction.DataJson);

        // The crisis lead no longer supervises it; a manager finds no emergency left to clear.
        var notTheirs = await Assert.ThrowsAsync<RpcException>(() => platform.RoutingAs("crisis-lead").CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, Kind = "attitude", Reason = "r",
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notTheirs.StatusCode);
        var again = await Assert.ThrowsAsync<RpcException>(() => platform.Routing.CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, ClearEmergency = true, Reason = "twice",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public async Task A_nuisance_contact_flagged_by_the_agent_and_confirmed_by_a_supervisor_leaves_the_kpis()
    {
        // The fake clock stands still between advances: move it so that this complaint alone is filed at its instant.
        platform.Clock.Advance(TimeSpan.FromSeconds(3));
        var complaint = await FileAsync("喂，投诉热线是吧？我要投诉今天天气不好，叫你们经理来，哈哈哈。");
        var period = new GetKpisRequest
        {
            From = complaint.FiledAt,
            To = Timestamp.FromDateTimeOffset(complaint.FiledAt.ToDateTimeOffset().AddMilliseconds(1)),
        };
        var agent = platform.RoutingAs(complaint.AgentId);
        // Triage's model may already suspect it (the corpus has prank calls like it); otherwise the agent flags it.
        if (!complaint.Nuisance)
        {
            await agent.CorrectTriageAsync(new CorrectTriageRequest
            {
                ComplaintId = complaint.ComplaintId, Nuisance = NuisanceCorrection.Suspected, Reason = "prank call, no matter to handle",
            });
        }
        var confirmByAgent = await Assert.ThrowsAsync<RpcException>(() => agent.CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, Nuisance = NuisanceCorrection.Confirmed, Reason = "sure",
        }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, confirmByAgent.StatusCode);
        var before = await platform.Followup.GetKpisAsync(period);
        await PlatformFixture.UntilAsync(async () => (before = await platform.Followup.GetKpisAsync(period)).Kpis[0].Complaints == 1,
            "follow-up counts the complaint", Timeout);

        var supervisor = (await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId })).Team switch
        {
            "customer-care" => "sup-care", "billing" => "sup-billing", "logistics" => "sup-logistics", "after-sales" => "sup-after-sales",
            "privacy-office" => "sup-privacy", _ => "crisis-lead",
        };
        await platform.RoutingAs(supervisor).CorrectTriageAsync(new CorrectTriageRequest
        {
            ComplaintId = complaint.ComplaintId, Nuisance = NuisanceCorrection.Confirmed, Reason = "listened to the recording: a prank",
        });

        var kpis = before;
        await PlatformFixture.UntilAsync(async () =>
        {
            kpis = await platform.Followup.GetKpisAsync(period);
            return kpis.NuisanceContactsExcluded == 1;
        }, "the confirmed nuisance contact leaves the KPIs", Timeout);
        Assert.Equal((1, 0), (before.Kpis[0].Complaints, kpis.Kpis[0].Complaints));
        var queue = await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = complaint.AgentId });
        Assert.Contains(queue.Cases, c => c.ComplaintId == complaint.ComplaintId && c.Nuisance);
    }

    [Fact]
    public async Task A_suggestion_reaches_the_improvement_backlog_and_a_venting_customer_comes_with_soothing_advice()
    {
        var suggestion = await FileAsync("建议你们在午休时多开几个窗口，排队太久了");
        Assert.Equal("suggestion", suggestion.Kind);
        Assert.Equal("improvement", suggestion.Motive);
        Assert.Contains(suggestion.HandlingGuidance, g => g.Contains("improvement backlog"));
        var period = new ListSuggestionsRequest
        {
            From = Timestamp.FromDateTimeOffset(suggestion.FiledAt.ToDateTimeOffset().AddSeconds(-1)),
            To = Timestamp.FromDateTimeOffset(suggestion.FiledAt.ToDateTimeOffset().AddSeconds(1)),
        };
        await PlatformFixture.UntilAsync(async () =>
            (await platform.FollowupAs("sup-care").ListSuggestionsAsync(period)).Suggestions.Any(s => s.ComplaintId == suggestion.ComplaintId),
            "the suggestion is in the improvement backlog", Timeout);

        var venting = await FileAsync("The agent on the phone was extremely rude, kept interrupting me and then hung up.");
        Assert.Equal("venting", venting.Style);
        Assert.Contains(venting.HandlingGuidance, g => g.Contains("vent"));
        var ordinary = (await platform.FollowupAs("sup-care").ListSuggestionsAsync(new ListSuggestionsRequest
        {
            From = Timestamp.FromDateTimeOffset(venting.FiledAt.ToDateTimeOffset().AddSeconds(-1)),
            To = Timestamp.FromDateTimeOffset(venting.FiledAt.ToDateTimeOffset().AddSeconds(1)),
        })).Suggestions;
        Assert.DoesNotContain(ordinary, s => s.ComplaintId == venting.ComplaintId);
    }
}
