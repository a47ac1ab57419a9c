using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;

namespace Complaints.Tests.Unit;

/// <summary>The one fold of a complaint's stream: complete, and the stage it derives, Given/When/Then.</summary>
public sealed class ComplaintLifeTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Remedy = Guid.NewGuid();

    private static ComplaintFiled Filed() => new(Id, "C-1", "phone", "C-9", "n", "p", "e", "d", null, T0) { FiledBy = "channel-phone" };
    private static ComplaintAssigned Assigned(string agent = "care-01") => new(Id, "care", agent, "agent", "least loaded", T0.AddHours(1), T0.AddDays(1), T0);

    private static ComplaintLife Given(params object[] events) =>
        ComplaintLife.Fold(Id, events.Select((e, i) => ((long)i + 1, e)))!;

    [Fact]
    public void Every_event_of_the_stream_has_a_When_in_the_fold()
    {
        var events = typeof(IComplaintEvent).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IComplaintEvent).IsAssignableFrom(t))
            .ToList();
        Assert.True(events.Count >= 28, $"found only {events.Count} event types");
        var unhandled = events.Where(t => !ComplaintLife.Handlers.ContainsKey(t)).Select(t => t.Name).ToList();
        Assert.True(unhandled.Count == 0, $"ComplaintLife has no When for: {string.Join(", ", unhandled)}");
    }

    [Fact]
    public void An_event_the_fold_does_not_know_is_an_error_not_silence()
    {
        var life = new ComplaintLife();
        Assert.Throws<InvalidOperationException>(() => life.Evolve(1, new { Unknown = true }));
    }

    [Fact]
    public void The_stage_follows_the_whole_life()
    {
        Assert.Equal(ComplaintStage.Filed, Given(Filed()).Stage);
        Assert.Equal(ComplaintStage.Triaged, Given(Filed(), new ComplaintTriaged(Id, "billing", "transactional", "negotiating", "calm", [], [], "general", false, [], T0)).Stage);
        Assert.Equal(ComplaintStage.Assigned, Given(Filed(), new ComplaintRouted(Id, "care", "r", T0), Assigned()).Stage);
        Assert.Equal(ComplaintStage.FirstResponseSent, Given(Filed(), Assigned(), new FirstResponseSent(Id, "care-01", "phone", "m", T0)).Stage);
        Assert.Equal(ComplaintStage.Investigating, Given(Filed(), Assigned(), new InvestigationFindingRecorded(Id, "care-01", "f", T0)).Stage);

        var pending = new RemedyProposed(Id, Remedy, "refund", 1500, "CNY", "d", "care-01", "agent", null, "supervisor", T0);
        Assert.Equal(ComplaintStage.AwaitingApproval, Given(Filed(), Assigned(), pending).Stage);
        var approved = Given(Filed(), Assigned(), pending, new RemedyApproved(Id, Remedy, "sup-care", "supervisor", "within policy", T0));
        Assert.Equal(ComplaintStage.AwaitingCustomer, approved.Stage);
        Assert.Equal(("sup-care", "within policy"), (approved.Remedies[Remedy].DecidedBy, approved.Remedies[Remedy].DecisionReason));
        Assert.Equal(ComplaintStage.Investigating,
            Given(Filed(), Assigned(), pending, new RemedyRefused(Id, Remedy, "sup-care", "supervisor", "too much", T0)).Stage);
    }

    [Fact]
    public void Resolved_closed_and_reopened_read_as_such_and_work_after_reopening_reads_as_investigating()
    {
        var offered = new RemedyProposed(Id, Remedy, "refund", 30, "CNY", "d", "care-01", "agent", null, "", T0);
        object[] resolved = [Filed(), Assigned(), offered, new RemedyAccepted(Id, Remedy, "care-01", "email", T0), new ComplaintResolved(Id, Remedy, "care-01", T0)];
        Assert.Equal(ComplaintStage.Resolved, Given(resolved).Stage);
        Assert.Equal(ComplaintStage.Closed, Given([.. resolved, new ComplaintClosed(Id, T0)]).Stage);

        var reopened = Given([.. resolved, new ComplaintReopened(Id, "dissatisfied", T0), new ComplaintEscalated(Id, "agent", "supervisor", "reopened", "sup-care", T0)]);
        Assert.Equal((ComplaintStage.Reopened, "sup-care", 1), (reopened.Stage, reopened.Owner, reopened.Reopens));
        Assert.Null(reopened.ResolvedAt);
        Assert.Equal(T0, reopened.FirstResolvedAt);
        Assert.Contains("care-01", reopened.Assignees);

        var worked = Given([.. resolved, new ComplaintReopened(Id, "dissatisfied", T0), new CustomerContacted(Id, "sup-care", "phone", true, "n", T0)]);
        Assert.Equal(ComplaintStage.Investigating, worked.Stage);
    }

    [Fact]
    public void The_version_is_the_last_event_folded_and_erasure_is_part_of_the_life()
    {
        var life = Given(Filed(), Assigned(), new CustomerDataErased(Id, Guid.NewGuid(), "privacy-01", "request 17", T0));
        Assert.Equal((3L, true), (life.Version, life.PersonalDataErased));
        Assert.Equal("channel-phone", life.FiledBy);
    }
}

public sealed class StageStatusTests
{
    [Fact]
    public void Every_stage_has_a_status_in_both_apis()
    {
        foreach (var stage in Enum.GetValues<ComplaintStage>())
        {
            Assert.Equal(stage.ToString(), Complaints.Intake.GetComplaint.GetComplaintHandler.Status(stage).ToString());
            Assert.Equal(stage.ToString(), Complaints.Intake.Audit.ComplaintHistoryHandler.Status(stage).ToString());
        }
    }
}
