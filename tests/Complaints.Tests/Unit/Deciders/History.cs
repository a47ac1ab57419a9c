using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Domain.Rules;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Tests.Unit.Deciders;

/// <summary>
/// The Given/When/Then of the deciders: <see cref="Given"/> folds a history of events into the state
/// the decider sees (the same fold the writer uses), the test calls the decider, and
/// <see cref="Rejected"/> says how it refused. Events here are the ones the services append.
/// </summary>
public static class History
{
    public static readonly Guid Id = Guid.Parse("01900000-0000-7000-8000-000000000001");
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    public static readonly Caller Agent = new("care-01", Roles.Agent, "care");
    public static readonly Caller OtherAgent = new("care-02", Roles.Agent, "care");
    public static readonly Caller Supervisor = new("care-sup", Roles.Supervisor, "care");
    public static readonly Caller ForeignSupervisor = new("billing-sup", Roles.Supervisor, "billing");
    public static readonly Caller Analyst = new("analyst-01", Roles.Analyst, null);

    public static ComplaintLife Given(params object[] events) => ComplaintLife.Fold(Id, events.Select((e, i) => ((long)i + 1, e)))!;

    public static ComplaintFiled Filed(Guid? key = null) =>
        new(Id, "C-1", "phone", "C-9", "sealed-name", "sealed-phone", "", "sealed-words", null, T0) { FiledBy = "channel-phone", CustomerKeyId = key };
    public static ComplaintTriaged Triaged() =>
        new(Id, "network", "service", "venting", "angry", [], [], "general", false, [], T0);
    public static ComplaintRouted Routed(string team = "care") => new(Id, team, "category network", T0);
    public static ComplaintAssigned Assigned(string agent = "care-01", string team = "care", string tier = "agent") =>
        new(Id, team, agent, tier, "least loaded", T0.AddMinutes(10), T0.AddDays(1), T0);
    public static FirstResponseSent FirstResponse(DateTimeOffset at) => new(Id, "care-01", "phone", "sealed", at);
    public static ComplaintResolved Resolved(DateTimeOffset at) => new(Id, Guid.Empty, "care-01", at);
    public static ComplaintClosed Closed(DateTimeOffset at) => new(Id, at);

    /// <summary>The ordinary life up to the agent's hands.</summary>
    public static object[] Assigned_case() => [Filed(), Triaged(), Routed(), Assigned()];

    /// <summary>An assigned case resolved at <paramref name="at"/>.</summary>
    public static object[] Resolved_case(DateTimeOffset at) => [.. Assigned_case(), FirstResponse(T0.AddMinutes(5)), Resolved(at)];

    public static Rejection Rejected(RejectionKind kind, Action when)
    {
        var rejection = Assert.Throws<Rejection>(when);
        Assert.Equal(kind, rejection.Kind);
        return rejection;
    }
}
