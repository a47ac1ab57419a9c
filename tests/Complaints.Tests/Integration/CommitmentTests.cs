using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.Routing.Assignment;
using Complaints.Tests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Tests.Integration;

/// <summary>
/// A concrete time promised in a message becomes a commitment on the complaint; the SLA sweeper
/// (fake clock) escalates a broken promise and lets a kept one go.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CommitmentTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private async Task<(string Id, string Agent)> PromisedAsync(string promise)
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Phone, "The router drops the connection every evening."));
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned, Timeout);
        await platform.ResolutionAs(assigned.AgentId).SendFirstResponseAsync(new SendFirstResponseRequest
        {
            ComplaintId = filed.ComplaintId, Channel = "phone", Message = $"I am sorry about the outages. {promise} My staff number is 1024.",
        });
        // Routing holds the case to the promise once it has seen it.
        var store = platform.RoutingApp.Services.GetRequiredService<IDocumentStore>();
        await PlatformFixture.UntilAsync(async () =>
        {
            await using var query = store.QuerySession();
            return (await query.LoadAsync<OpenCase>(Guid.Parse(filed.ComplaintId)))?.Commitments.Count == 1;
        }, "routing tracking the promise", Timeout);
        return (filed.ComplaintId, assigned.AgentId);
    }

    [Fact]
    public async Task A_broken_promise_is_recorded_and_escalated_one_tier()
    {
        var (id, _) = await PromisedAsync("I will call you back within 10 minutes.");
        var promised = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        var made = Assert.Single(promised.History, h => h.EventType == "commitment_made");
        Assert.Contains("within 10 minutes", made.DataJson);

        platform.Clock.Advance(TimeSpan.FromMinutes(11));
        await platform.SweepSlaAsync(id);
        var after = await platform.WaitForComplaintAsync(id, c => c.History.Any(h => h.EventType == "sla_breached" && h.DataJson.Contains("commitment")), Timeout);
        var escalated = Assert.Single(after.History, h => h.EventType == "complaint_escalated");
        Assert.Contains("within 10 minutes", escalated.DataJson);
        Assert.Equal("supervisor", after.Tier);
    }

    [Fact]
    public async Task A_promise_kept_by_news_in_time_is_let_go()
    {
        var (id, agent) = await PromisedAsync("我会在半小时内给您回电。");
        platform.Clock.Advance(TimeSpan.FromMinutes(20));
        await platform.ResolutionAs(agent).RecordContactAsync(new RecordContactRequest { ComplaintId = id, Channel = "phone", Reached = true, Note = "Called back as promised." });
        platform.Clock.Advance(TimeSpan.FromMinutes(15));
        await platform.SweepSlaAsync(id);

        var store = platform.RoutingApp.Services.GetRequiredService<IDocumentStore>();
        await using var query = store.QuerySession();
        Assert.Empty((await query.LoadAsync<OpenCase>(Guid.Parse(id)))!.Commitments);
        var complaint = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = id });
        Assert.DoesNotContain(complaint.History, h => h.EventType == "sla_breached");
        Assert.Equal("agent", complaint.Tier);
    }
}
