using Complaints.Routing.Assignment;

namespace Complaints.Tests.Unit;

public sealed class AgentPickerTests
{
    private static readonly Team Care = new()
    {
        Name = "customer-care",
        Supervisor = "sup-care",
        Agents =
        [
            new Agent { Id = "a1", Skills = ["general", "service_attitude"] },
            new Agent { Id = "a2", Skills = ["general", "service_attitude"] },
            new Agent { Id = "a3", Skills = ["general"] },
        ],
    };

    private static Dictionary<string, AgentWorkload> Loads(params (string Id, int Open, int Hostile)[] loads) =>
        loads.ToDictionary(l => l.Id, l => new AgentWorkload { Id = l.Id, Open = l.Open, Hostile = l.Hostile });

    [Fact]
    public void The_skilled_agent_with_the_least_open_load_gets_the_case()
    {
        var choice = AgentPicker.Pick(Care, "service_attitude", hostile: false, Loads(("a1", 5, 0), ("a2", 3, 0), ("a3", 0, 0)), hostileCap: 2);

        // a3 has the least load but not the skill.
        Assert.Equal(("agent", "a2"), (choice.Tier, choice.AssigneeId));
        Assert.Contains("least open load", choice.Reason);
    }

    [Fact]
    public void An_agent_with_no_record_yet_has_no_load()
    {
        var choice = AgentPicker.Pick(Care, "general", hostile: false, Loads(("a1", 1, 0), ("a2", 1, 0)), hostileCap: 2);
        Assert.Equal("a3", choice.AssigneeId);
    }

    [Fact]
    public void A_hostile_case_skips_agents_at_the_cap_even_with_less_load()
    {
        var choice = AgentPicker.Pick(Care, "service_attitude", hostile: true, Loads(("a1", 2, 2), ("a2", 6, 1)), hostileCap: 2);
        Assert.Equal("a2", choice.AssigneeId);
    }

    [Fact]
    public void When_every_skilled_agent_is_at_the_cap_the_supervisor_takes_the_case()
    {
        var choice = AgentPicker.Pick(Care, "service_attitude", hostile: true, Loads(("a1", 2, 2), ("a2", 2, 2), ("a3", 0, 0)), hostileCap: 2);

        Assert.Equal(("supervisor", "sup-care"), (choice.Tier, choice.AssigneeId));
        Assert.Contains("hostile", choice.Reason);
    }

    [Fact]
    public void A_calm_case_ignores_the_hostile_cap()
    {
        var choice = AgentPicker.Pick(Care, "service_attitude", hostile: false, Loads(("a1", 1, 2), ("a2", 2, 0)), hostileCap: 2);
        Assert.Equal("a1", choice.AssigneeId);
    }

    [Fact]
    public void Nobody_with_the_skill_means_any_agent_of_the_team()
    {
        var choice = AgentPicker.Pick(Care, "billing_fees", hostile: false, Loads(("a1", 1, 0), ("a2", 1, 0), ("a3", 2, 0)), hostileCap: 2);
        Assert.Equal("a1", choice.AssigneeId);
        Assert.Contains("nobody has skill", choice.Reason);
    }

    [Fact]
    public void Tiers_climb_agent_supervisor_manager_crisis_and_stop()
    {
        Assert.Equal("supervisor", Tiers.Above("agent"));
        Assert.Equal("manager", Tiers.Above("supervisor"));
        Assert.Equal("crisis", Tiers.Above("manager"));
        Assert.Null(Tiers.Above("crisis"));
    }

    [Fact]
    public void Stress_rotation_rests_an_agent_after_the_shifts_hostile_cases_and_then_the_supervisor_takes_them()
    {
        var shift = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
        var tired = new AgentWorkload { Id = "a1", Open = 0 };
        for (var i = 0; i < 3; i++) tired.TakeHostile(shift);
        tired.Hostile = 0; // all three closed: none open, but the shift remembers them
        var loads = new Dictionary<string, AgentWorkload> { ["a1"] = tired, ["a2"] = new() { Id = "a2", Open = 9 } };

        var choice = AgentPicker.Pick(Care, "service_attitude", hostile: true, loads, hostileCap: 2, shiftCap: 3, shiftStart: shift);
        Assert.Equal("a2", choice.AssigneeId);

        loads["a2"].TakeHostile(shift); loads["a2"].TakeHostile(shift); loads["a2"].TakeHostile(shift);
        var nobody = AgentPicker.Pick(Care, "service_attitude", hostile: true, loads, hostileCap: 5, shiftCap: 3, shiftStart: shift);
        Assert.Equal(("supervisor", "sup-care"), (nobody.Tier, nobody.AssigneeId));
        Assert.Contains("stress rotation", nobody.Reason);

        // The next shift starts fresh.
        var next = AgentPicker.Pick(Care, "service_attitude", hostile: true, loads, hostileCap: 5, shiftCap: 3, shiftStart: shift.AddHours(8));
        Assert.Equal("agent", next.Tier);
    }

    [Fact]
    public void Shifts_run_back_to_back_from_midnight_utc()
    {
        var teams = new TeamDirectory { ShiftHours = 8 };
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero), teams.ShiftStart(new DateTimeOffset(2026, 11, 24, 15, 59, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 16, 0, 0, TimeSpan.Zero), teams.ShiftStart(new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.FromHours(8))));
    }

    [Fact]
    public void A_team_no_longer_in_the_directory_is_a_failed_precondition_not_a_crash()
    {
        var teams = new TeamDirectory { Teams = [new Team { Name = "care" }] };
        Assert.Equal("care", teams["care"].Name);
        var refused = Assert.Throws<Complaints.Domain.Rules.Rejection>(() => teams["billing-east"]);
        Assert.Equal(Complaints.Domain.Rules.RejectionKind.FailedPrecondition, refused.Kind);
        Assert.Contains("billing-east", refused.Message);
    }
}
