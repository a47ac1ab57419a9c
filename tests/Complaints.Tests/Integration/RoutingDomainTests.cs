using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Routing.V1;
using Complaints.Tests.Infrastructure;

namespace Complaints.Tests.Integration;

/// <summary>Triage, assignment and the SLA clock, driven by a fake clock over real PostgreSQL and RabbitMQ.</summary>
[Collection(PlatformCollection.Name)]
public sealed class RoutingDomainTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static bool Assigned(GetComplaintResponse c) => c.Status == ComplaintStatus.Assigned;

    [Fact]
    public async Task An_unsure_triage_is_flagged_for_review_with_its_reasons_and_a_clear_one_is_not()
    {
        var vague = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "Nobody ever calls me back about my case."));
        var clear = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));

        // The text names no topic: the model's category is uncertain, and a person is asked to check it.
        var v = await platform.WaitForComplaintAsync(vague.ComplaintId, Assigned, Timeout);
        Assert.True(v.TriageNeedsReview);
        Assert.Contains(v.TriageReviewReasons, r => r.StartsWith("category ", StringComparison.Ordinal) && r.Contains("is uncertain"));
        var ok = await platform.WaitForComplaintAsync(clear.ComplaintId, Assigned, Timeout);
        Assert.False(ok.TriageNeedsReview);
        Assert.Empty(ok.TriageReviewReasons);
    }

    [Fact]
    public async Task Missed_deadlines_escalate_one_tier_at_a_time_with_the_reason()
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Email, "I was charged a fee twice on my bill."));
        var assigned = await platform.WaitForComplaintAsync(filed.ComplaintId, Assigned, Timeout);
        Assert.Equal(("billing", "agent", "general"), (assigned.Team, assigned.Tier, assigned.Priority));
        Assert.StartsWith("bill-", assigned.AgentId);
        var agentQueue = await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = assigned.AgentId });
        Assert.Contains(agentQueue.Cases, c => c.ComplaintId == filed.ComplaintId);

        // Nothing is due yet.
        platform.Clock.Advance(TimeSpan.FromMinutes(5));
        await platform.SweepSlaAsync(filed.ComplaintId);
        var early = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        Assert.DoesNotContain(early.History, h => h.EventType == "sla_breached");

        // Ten minutes without a first response: breach, supervisor.
        platform.Clock.Advance(TimeSpan.FromMinutes(6));
        await platform.SweepSlaAsync(filed.ComplaintId);
        var afterFirst = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        var breach = Assert.Single(afterFirst.History, h => h.EventType == "sla_breached");
        Assert.Contains("first_response", breach.DataJson);
        var escalation = Assert.Single(afterFirst.History, h => h.EventType == "complaint_escalated");
        Assert.Contains("\"toTier\":\"supervisor\"", escalation.DataJson);
        Assert.Contains("first response deadline", escalation.DataJson);
        Assert.Equal(("supervisor", "sup-billing"), (afterFirst.Tier, afterFirst.AgentId));
        var supervisorQueue = await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = "sup-billing" });
        Assert.Contains(supervisorQueue.Cases, c => c.ComplaintId == filed.ComplaintId && c.Tier == "supervisor");
        var agentAfter = await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = assigned.AgentId });
        Assert.DoesNotContain(agentAfter.Cases, c => c.ComplaintId == filed.ComplaintId);

        // A second sweep at the same time changes nothing.
        await platform.SweepSlaAsync(filed.ComplaintId);
        var again = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        Assert.Equal(afterFirst.History.Count, again.History.Count);

        // A day later, still unresolved: breach, manager.
        platform.Clock.Advance(TimeSpan.FromHours(24));
        await platform.SweepSlaAsync(filed.ComplaintId);
        var afterResolution = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = filed.ComplaintId });
        Assert.Equal(2, afterResolution.History.Count(h => h.EventType == "sla_breached"));
        Assert.Equal(("manager", "mgr-care"), (afterResolution.Tier, afterResolution.AgentId));
    }

    [Fact]
    public async Task A_safety_emergency_goes_to_the_crisis_tier_at_once()
    {
        var filed = await platform.Intake.FileComplaintAsync(Requests.Valid(Channel.Phone, "热水器漏电，孩子触电受伤了！"));

        var complaint = await platform.WaitForComplaintAsync(filed.ComplaintId, Assigned, Timeout);

        Assert.Equal(("crisis", "crisis", "emergency", "safety"), (complaint.Team, complaint.Tier, complaint.Priority, complaint.Category));
        var escalation = Assert.Single(complaint.History, h => h.EventType == "complaint_escalated");
        Assert.Contains("emergency: safety", escalation.DataJson);
        // Emergency targets are tighter than intake's promise: 5 minutes to first response.
        Assert.Equal(complaint.FiledAt.ToDateTimeOffset().AddMinutes(5), complaint.FirstResponseDue.ToDateTimeOffset());
    }

    [Fact]
    public async Task Angry_customers_beyond_every_agents_cap_go_to_the_supervisor()
    {
        // privacy-office has one agent; the cap is two hostile cases per agent.
        var responses = new List<FileComplaintResponse>();
        for (var i = 0; i < 3; i++)
        {
            var request = Requests.Valid(Channel.Email, $"My personal information was leaked to a marketer ({i}).");
            request.ObservedEmotion = EmotionLevel.Angry;
            var filed = await platform.Intake.FileComplaintAsync(request);
            await platform.WaitForComplaintAsync(filed.ComplaintId, Assigned, Timeout);
            responses.Add(filed);
        }

        var queue = await platform.Routing.ListAllAgentCasesAsync(new ListAgentCasesRequest { AgentId = "priv-01" });
        Assert.True(queue.HostileCases <= 2, $"priv-01 holds {queue.HostileCases} hostile cases");
        var third = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = responses[^1].ComplaintId });
        Assert.Equal(("supervisor", "sup-privacy"), (third.Tier, third.AgentId));
        Assert.Contains(third.History, h => h.EventType == "complaint_escalated" && h.DataJson.Contains("hostile"));
    }
}
