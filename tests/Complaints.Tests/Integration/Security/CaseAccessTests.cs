using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.ServiceDefaults;
using Complaints.Tests.Infrastructure;
using Grpc.Core;

namespace Complaints.Tests.Integration.Security;

/// <summary>Beyond the role: agents work only their own cases, supervisors their team's, channels read only what they filed; the token names the actor.</summary>
[Collection(PlatformCollection.Name)]
public sealed class CaseAccessTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private async Task<GetComplaintResponse> AssignedBillingComplaintAsync()
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));
        return await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
    }

    [Fact]
    public async Task An_agent_acts_only_on_cases_assigned_to_them_and_a_supervisor_only_on_their_teams()
    {
        var complaint = await AssignedBillingComplaintAsync();
        Assert.Equal("billing", complaint.Team);
        var colleague = platform.Identities.Clients.First(c => c.Role == "agent" && c.Team == "billing" && c.Subject != complaint.AgentId).ClientId;
        var finding = new RecordFindingRequest { ComplaintId = complaint.ComplaintId, Finding = "Looked at it." };

        var notTheirs = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs(colleague).RecordFindingAsync(finding).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notTheirs.StatusCode);
        Assert.Contains($"assigned to {complaint.AgentId}", notTheirs.Status.Detail);

        var otherTeam = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs("sup-care").RecordFindingAsync(finding).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, otherTeam.StatusCode);
        var readOtherTeam = await Assert.ThrowsAsync<RpcException>(() => platform.IntakeAs("sup-care").GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, readOtherTeam.StatusCode);
        var queue = await Assert.ThrowsAsync<RpcException>(() => platform.ResolutionAs(colleague).ListQueueAsync(new ListQueueRequest { AgentId = complaint.AgentId }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, queue.StatusCode);

        await platform.ResolutionAs(complaint.AgentId).RecordFindingAsync(finding);
        await platform.ResolutionAs("sup-billing").RecordFindingAsync(new RecordFindingRequest { ComplaintId = complaint.ComplaintId, Finding = "Supervisor checked the batch log." });
        // The supervisor sees the agent's queue (resolution's case file follows the stream, so it may lag a moment).
        await PlatformFixture.UntilAsync(async () => (await platform.ResolutionAs("sup-billing").ListWholeQueueAsync(new ListQueueRequest { AgentId = complaint.AgentId })).Entries
                   .Any(e => e.ComplaintId == complaint.ComplaintId), "the case shows in the supervisor's view of the agent's queue");
    }

    [Fact]
    public async Task A_channel_reads_only_the_complaints_it_filed_and_learns_nothing_of_others()
    {
        var complaint = await AssignedBillingComplaintAsync();
        var web = platform.IntakeAs("channel-web");

        var others = await Assert.ThrowsAsync<RpcException>(() => web.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => web.GetComplaintAsync(new GetComplaintRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, others.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(unknown.Status.Detail.Replace(unknown.Status.Detail.Split(' ')[^1], ""), others.Status.Detail.Replace(complaint.ComplaintId, ""));
    }

    [Fact]
    public async Task Every_event_names_who_caused_it_from_the_token_or_the_component()
    {
        var complaint = await AssignedBillingComplaintAsync();
        await platform.ResolutionAs(complaint.AgentId).SendFirstResponseAsync(new SendFirstResponseRequest
        {
            ComplaintId = complaint.ComplaintId, Channel = "phone", Message = "I will check the bill and call you back within 2 hours.",
        });

        await using var command = platform.Database.CreateCommand(
            $"select type, headers->>'{MartenDefaults.ActorHeader}', headers->>'{MartenDefaults.ActorRoleHeader}' from {ComplaintsSettings.EventStoreSchema}.mt_events where stream_id = @id order by version");
        command.Parameters.AddWithValue("id", Guid.Parse(complaint.ComplaintId));
        var actors = new Dictionary<string, (string?, string?)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                actors[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));

        Assert.Equal(("channel-phone", "channel"), actors["complaint_filed"]);
        Assert.Equal(("routing.triage", "system"), actors["complaint_triaged"]);
        Assert.Equal((complaint.AgentId, "agent"), actors["first_response_sent"]);
    }

    [Fact]
    public async Task A_survey_is_recorded_only_by_whoever_may_work_the_case()
    {
        var (id, agent) = await Journeys.ResolvedAsync(platform, Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));
        var colleague = platform.Identities.Clients.First(c => c.Role == "agent" && c.Team == "billing" && c.Subject != agent).ClientId;
        var survey = new RecordSurveyRequest { ComplaintId = id, Timeliness = 1, Solution = 1, Attitude = 1, Nps = 0 };

        var notTheirs = await Assert.ThrowsAsync<RpcException>(() => platform.FollowupAs(colleague).RecordSurveyAsync(survey).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notTheirs.StatusCode);
        Assert.Contains($"assigned to {agent}", notTheirs.Status.Detail);
        var otherTeam = await Assert.ThrowsAsync<RpcException>(() => platform.FollowupAs("sup-care").RecordSurveyAsync(survey).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, otherTeam.StatusCode);
        Assert.Contains("team billing", otherTeam.Status.Detail);
        // Neither closed nor reopened it.
        var history = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        Assert.DoesNotContain(history.History, h => h.EventType is "survey_recorded" or "complaint_closed" or "complaint_reopened");

        // The team's supervisor may (the survey taken on the agent's behalf).
        Assert.Equal("closed", (await platform.FollowupAs("sup-billing").RecordSurveyAsync(new RecordSurveyRequest { ComplaintId = id, Timeliness = 5, Solution = 5, Attitude = 5, Nps = 10 })).Outcome);
    }

    [Fact]
    public async Task A_customers_history_shows_agents_and_supervisors_only_what_they_may_read()
    {
        var complaint = await AssignedBillingComplaintAsync();
        var history = new ListCustomerComplaintsRequest { CustomerId = complaint.CustomerId };

        // An agent or supervisor of another team holds nothing of this customer's: they learn nothing, not even that the customer exists.
        Assert.Empty((await platform.IntakeAs("care-01").ListCustomerComplaintsAsync(history)).Complaints);
        Assert.Empty((await platform.IntakeAs("sup-care").ListCustomerComplaintsAsync(history)).Complaints);
        var colleague = platform.Identities.Clients.First(c => c.Role == "agent" && c.Team == "billing" && c.Subject != complaint.AgentId).ClientId;
        Assert.Empty((await platform.IntakeAs(colleague).ListCustomerComplaintsAsync(history)).Complaints);

        // The agent holding the case and the team's supervisor read it.
        foreach (var reader in new[] { complaint.AgentId, "sup-billing" })
        {
            var listed = Assert.Single((await platform.IntakeAs(reader).ListCustomerComplaintsAsync(history)).Complaints);
            Assert.Equal((complaint.ComplaintId, false), (listed.ComplaintId, listed.SummaryWithheld));
            Assert.StartsWith("I was charged a fee twice", listed.Summary);
        }

        // A second complaint of the customer, held by another team: its holder sees both exist, and reads only their own.
        var second = Requests.Valid(Channel.Email, "我的快递三天了还没送到，物流信息一直没有更新。");
        second.Customer.CustomerId = complaint.CustomerId;
        var filed = await platform.Intake.FileComplaintAsync(second);
        var other = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        Assert.NotEqual(complaint.Team, other.Team);
        var seen = (await platform.IntakeAs(other.AgentId).ListCustomerComplaintsAsync(history)).Complaints.ToDictionary(c => c.ComplaintId);
        Assert.Equal(2, seen.Count);
        Assert.Equal(("", true), (seen[complaint.ComplaintId].Summary, seen[complaint.ComplaintId].SummaryWithheld));
        Assert.False(seen[other.ComplaintId].SummaryWithheld);
        Assert.Contains("快递", seen[other.ComplaintId].Summary);
    }
}
