using Complaints.Contracts.Events;
using Complaints.Domain.Rules;
using Complaints.Domain.ServiceLevels;
using Complaints.Routing.Assignment;
using Complaints.Routing.CaseProgress;
using Complaints.Routing.CorrectTriage;
using Complaints.Routing.EscalateCase;
using Complaints.Routing.ReassignCase;
using Complaints.Routing.RouteComplaint;
using Complaints.Routing.SlaClock;
using Complaints.Routing.Triage;
using Complaints.ServiceDefaults.Security;
using static Complaints.Tests.Unit.Deciders.History;

namespace Complaints.Tests.Unit.Deciders;

/// <summary>
/// Routing's decisions, Given a history (and routing's view of the case and the agents' loads),
/// When a command, Then the events, the case and the loads after it, or a rejection.
/// </summary>
public sealed class RoutingDecisionTests
{
    private static readonly TeamDirectory Teams = new()
    {
        DefaultTeam = "care",
        CrisisTeam = "crisis",
        HostileCasesPerAgent = 2,
        HostileCasesPerShift = 4,
        Teams =
        [
            new Team { Name = "care", Categories = ["network", "general"], Supervisor = "care-sup", Manager = "care-mgr",
                Agents = [new Agent { Id = "care-01", Skills = ["network"] }, new Agent { Id = "care-02", Skills = ["network"] }] },
            new Team { Name = "billing", Categories = ["billing_fees"], Supervisor = "billing-sup", Manager = "billing-mgr",
                Agents = [new Agent { Id = "bill-01", Skills = ["billing_fees"] }] },
            new Team { Name = "crisis", Categories = ["safety"], Supervisor = "crisis-sup", Manager = "crisis-mgr",
                Agents = [new Agent { Id = "crisis-01", Skills = ["safety"] }, new Agent { Id = "crisis-02", Skills = ["safety"] }] },
        ],
    };
    private static readonly SlaPolicy Sla = new(new SlaOptions { TimeZone = "UTC" });
    private static readonly DateTimeOffset Now = T0.AddMinutes(1);

    private static Dictionary<string, AgentWorkload> Loads(params (string Id, int Open, int Hostile)[] loads) =>
        loads.ToDictionary(l => l.Id, l => new AgentWorkload { Id = l.Id, Open = l.Open, Hostile = l.Hostile });

    private static OpenCase Case(string agent = "care-01", string tier = Tiers.Agent, bool hostile = false) => new()
    {
        Id = Id, ComplaintNumber = "C-1", Team = "care", AssigneeId = agent, LoadedAgentId = tier == Tiers.Agent ? agent : null, Tier = tier, Hostile = hostile,
        Category = "network", Priority = "general", AssignedAt = T0, FirstResponseDue = T0.AddMinutes(10), ResolutionDue = T0.AddDays(1), OpenStateVersion = 4,
    };

    private static TriageResult Triage(string category = "network", string emotion = "calm", params string[] emergency) =>
        new(category, "transactional", "venting", emotion, [], [.. emergency], emergency.Length > 0 ? "emergency" : "general", false, []);

    [Fact]
    public void A_filed_complaint_goes_to_the_least_loaded_skilled_agent_of_its_team()
    {
        var loads = Loads(("care-01", 3, 0), ("care-02", 1, 0));
        var routed = RouteFiledComplaints.Decide(Given(Filed()), Filed(), Triage(), loads, Teams, Sla, Now);

        Assert.Equal([typeof(ComplaintTriaged), typeof(ComplaintRouted), typeof(ComplaintAssigned)], routed.Events.Select(e => e.GetType()));
        var assigned = (ComplaintAssigned)routed.Events[2];
        Assert.Equal(("care", "care-02", Tiers.Agent), (assigned.Team, assigned.AgentId, assigned.Tier));
        Assert.Equal(("care-02", 2), (routed.Case.LoadedAgentId, loads["care-02"].Open));
        Assert.Equal(4, routed.Case.OpenStateVersion);
        Assert.Same(loads["care-02"], Assert.Single(routed.Loads));
    }

    [Fact]
    public void An_emergency_goes_to_the_crisis_team_at_crisis_tier_and_counts_on_its_agent()
    {
        var loads = Loads(("crisis-01", 2, 0), ("crisis-02", 0, 0));
        var routed = RouteFiledComplaints.Decide(Given(Filed()), Filed(), Triage("network", "calm", "safety_hazard"), loads, Teams, Sla, Now);

        var assigned = Assert.Single(routed.Events.OfType<ComplaintAssigned>());
        Assert.Equal(("crisis", "crisis-02", Tiers.Crisis), (assigned.Team, assigned.AgentId, assigned.Tier));
        var escalated = Assert.Single(routed.Events.OfType<ComplaintEscalated>());
        Assert.Equal((Tiers.Agent, Tiers.Crisis), (escalated.FromTier, escalated.ToTier));
        Assert.Equal(1, loads["crisis-02"].Open);
    }

    [Fact]
    public void A_hostile_customer_goes_to_the_supervisor_when_every_agent_is_at_the_cap()
    {
        var loads = Loads(("care-01", 2, 2), ("care-02", 2, 2));
        var routed = RouteFiledComplaints.Decide(Given(Filed()), Filed(), Triage(emotion: "angry"), loads, Teams, Sla, Now);

        var escalated = Assert.Single(routed.Events.OfType<ComplaintEscalated>());
        Assert.Equal(("care-sup", Tiers.Supervisor), (escalated.AssigneeId, escalated.ToTier));
        Assert.Null(routed.Case.LoadedAgentId);
        Assert.Empty(routed.Loads);
    }

    [Fact]
    public void A_reassignment_moves_the_load_from_one_agent_to_the_other()
    {
        var openCase = Case(hostile: true);
        var loads = Loads(("care-01", 3, 1), ("care-02", 0, 0));
        var events = ReassignCaseHandler.Decide(openCase, 5, new Reassign("care-02", "care", "sealed"), Supervisor, Teams, loads, Now);

        var assigned = Assert.IsType<ComplaintAssigned>(Assert.Single(events));
        Assert.Equal(("care-02", Tiers.Agent), (assigned.AgentId, assigned.Tier));
        Assert.Equal((2, 0), (loads["care-01"].Open, loads["care-01"].Hostile));
        Assert.Equal((1, 1), (loads["care-02"].Open, loads["care-02"].Hostile));
        Assert.Equal(("care-02", 6L), (openCase.LoadedAgentId, openCase.OpenStateVersion));
    }

    [Fact]
    public void A_reassignment_respects_the_hostile_cap_and_the_supervisor_s_own_team()
    {
        var loads = Loads(("care-01", 1, 1), ("care-02", 2, 2));
        Rejected(RejectionKind.FailedPrecondition, () => ReassignCaseHandler.Decide(Case(hostile: true), 5, new Reassign("care-02", "care", "r"), Supervisor, Teams, loads, Now));
        Rejected(RejectionKind.PermissionDenied, () => ReassignCaseHandler.Decide(Case(), 5, new Reassign("care-02", "care", "r"), ForeignSupervisor, Teams, loads, Now));
        Rejected(RejectionKind.FailedPrecondition, () => ReassignCaseHandler.Decide(Case(), 5, new Reassign("care-01", "care", "r"), Supervisor, Teams, loads, Now));
        var toBilling = ReassignCaseHandler.Decide(Case(), 5, new Reassign("bill-01", "billing", "r"), new Caller("mgr-01", Roles.Manager, null), Teams, loads, Now);
        Assert.IsType<ComplaintRouted>(toBilling[0]);
    }

    [Fact]
    public void Escalation_by_hand_only_goes_up_and_frees_the_agent()
    {
        var openCase = Case();
        var loads = Loads(("care-01", 3, 0));
        var escalated = Assert.IsType<ComplaintEscalated>(Assert.Single(EscalateCaseHandler.Decide(openCase, Tiers.Manager, Supervisor, "sealed", Teams, loads, Now)));
        Assert.Equal(("care-mgr", Tiers.Manager), (escalated.AssigneeId, escalated.ToTier));
        Assert.Equal((2, null), (loads["care-01"].Open, openCase.LoadedAgentId));

        Rejected(RejectionKind.FailedPrecondition, () => EscalateCaseHandler.Decide(openCase, Tiers.Supervisor, Supervisor, "sealed", Teams, loads, Now));
        Rejected(RejectionKind.FailedPrecondition, () => EscalateCaseHandler.Decide(new OpenCase { Id = Id, Team = "care", Open = false }, Tiers.Manager, Supervisor, "s", Teams, loads, Now));
    }

    [Fact]
    public void A_missed_first_response_is_breached_once_and_escalated()
    {
        var openCase = Case();
        openCase.RecomputeNextDeadline();
        var loads = Loads(("care-01", 1, 0));
        var swept = SlaSweeper.Decide(Given(Assigned_case()), openCase, Teams, loads, T0.AddMinutes(11));

        var breached = Assert.IsType<SlaBreached>(swept.Events[0]);
        Assert.Equal("first_response", breached.Deadline);
        Assert.Equal(Tiers.Supervisor, Assert.IsType<ComplaintEscalated>(swept.Events[1]).ToTier);
        Assert.True(openCase.FirstResponseBreached);
        Assert.Empty(SlaSweeper.Decide(Given(Assigned_case()), openCase, Teams, loads, T0.AddMinutes(12)).Events);
    }

    [Fact]
    public void A_deadline_the_stream_shows_met_is_no_breach_though_routing_has_not_caught_up()
    {
        var openCase = Case();
        openCase.RecomputeNextDeadline();
        var swept = SlaSweeper.Decide(Given([.. Assigned_case(), FirstResponse(T0.AddMinutes(9))]), openCase, Teams, Loads(), T0.AddMinutes(11));
        Assert.Empty(swept.Events);
        Assert.False(swept.CaseChanged);
    }

    [Fact]
    public void A_kept_promise_leaves_the_clocks_without_a_breach()
    {
        var commitment = Guid.NewGuid();
        var openCase = Case();
        openCase.FirstResponded = true;
        openCase.Commitments.Add(new PendingCommitment(commitment, "within 10 minutes", T0.AddMinutes(20)));
        openCase.RecomputeNextDeadline();
        var kept = Given([.. Assigned_case(), FirstResponse(T0.AddMinutes(5)), new CommitmentMade(Id, commitment, "within 10 minutes", T0.AddMinutes(20), "care-01", T0.AddMinutes(5)),
            new CustomerContacted(Id, "care-01", "phone", true, "sealed", T0.AddMinutes(15))]);

        var swept = SlaSweeper.Decide(kept, openCase, Teams, Loads(), T0.AddMinutes(21));
        Assert.Empty(swept.Events);
        Assert.True(swept.CaseChanged);
        Assert.Empty(openCase.Commitments);

        openCase.Commitments.Add(new PendingCommitment(commitment, "within 10 minutes", T0.AddMinutes(20)));
        openCase.RecomputeNextDeadline();
        var broken = SlaSweeper.Decide(Given([.. Assigned_case(), FirstResponse(T0.AddMinutes(5)),
            new CommitmentMade(Id, commitment, "within 10 minutes", T0.AddMinutes(20), "care-01", T0.AddMinutes(5))]), openCase, Teams, Loads(), T0.AddMinutes(21));
        Assert.Equal(PendingCommitment.Commitment, Assert.IsType<SlaBreached>(broken.Events[0]).Deadline);
    }

    [Fact]
    public void A_reopened_case_gets_a_dedicated_owner_one_tier_up_and_a_new_date_the_customer_is_told()
    {
        var openCase = Case();
        openCase.Open = false;
        var loads = Loads(("care-01", 1, 0));
        var reopened = new ComplaintReopened(Id, "dissatisfied", Now);
        var events = FollowCaseProgress.Reopen(openCase, reopened, 9, Teams, Sla, loads, Now);

        Assert.Equal(Tiers.Supervisor, Assert.IsType<ComplaintEscalated>(events[0]).ToTier);
        Assert.Equal(openCase.ResolutionDue, Assert.IsType<ResolutionDueChanged>(events[1]).NewDue);
        Assert.True(openCase.Open);
        Assert.Equal(9, openCase.OpenStateVersion);
    }

    [Fact]
    public void An_escalation_at_the_top_of_the_ladder_records_what_happened_and_appends_nothing()
    {
        var openCase = Case(agent: "crisis-sup", tier: Tiers.Crisis);
        var recorded = false;
        Assert.Empty(FollowCaseProgress.Escalate(openCase, _ => recorded = true, _ => true, Teams, Loads(), "rejected remedy", Now));
        Assert.True(recorded);
    }

    [Fact]
    public void A_corrected_category_re_routes_the_open_case_by_the_same_assignment_rule()
    {
        var openCase = Case();
        var loads = Loads(("care-01", 2, 0), ("bill-01", 0, 0));
        var command = new CorrectTriageCommand("billing_fees", null, null, null, null, null, [], false, "it is a fee");
        var corrected = CorrectTriageHandler.Decide(Given(Assigned_case()), openCase, command, Supervisor, "sealed", new HashSet<string> { "network", "billing_fees", "general" },
            Teams, Sla, loads, Now);

        Assert.Equal([typeof(TriageCorrected), typeof(ComplaintRouted), typeof(ComplaintAssigned)], corrected.Events.Select(e => e.GetType()));
        Assert.True(corrected.Rerouted);
        Assert.Equal(("billing", "bill-01", "bill-01"), (openCase.Team, openCase.AssigneeId, openCase.LoadedAgentId));
        Assert.Equal((1, 1), (loads["care-01"].Open, loads["bill-01"].Open));
        Assert.Equal(2, corrected.Loads.Count);
    }

    [Fact]
    public void Only_a_supervisor_clears_an_emergency_and_an_agent_corrects_only_their_own_case()
    {
        var categories = new HashSet<string> { "network", "billing_fees", "general" };
        var clear = new CorrectTriageCommand(null, null, null, null, null, null, [], true, "false alarm");
        Rejected(RejectionKind.PermissionDenied, () => CorrectTriageHandler.Decide(Given(Assigned_case()), Case(), clear, OtherAgent, "s", categories, Teams, Sla, Loads(), Now));
        var emergency = Given(Filed(), Triaged() with { EmergencyFlags = ["safety_hazard"], Priority = "emergency" }, Routed(), Assigned());
        Rejected(RejectionKind.PermissionDenied, () => CorrectTriageHandler.Decide(emergency, Case(), clear, History.Agent, "s", categories, Teams, Sla, Loads(), Now));
    }
}
