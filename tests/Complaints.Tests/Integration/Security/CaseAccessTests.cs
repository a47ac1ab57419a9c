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
        await PlatformFixture.UntilAsync(async () => (await platform.ResolutionAs("sup-billing").ListQueueAsync(new ListQueueRequest { AgentId = complaint.AgentId })).Entries
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
}
