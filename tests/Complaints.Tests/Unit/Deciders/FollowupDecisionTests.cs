using Complaints.Contracts.Events;
using Complaints.Domain.Rules;
using Complaints.Followup.Callbacks;
using Complaints.Followup.RootCause;
using Complaints.Followup.SecondComplaints;
using Complaints.Followup.Surveys;
using static Complaints.Tests.Unit.Deciders.History;

namespace Complaints.Tests.Unit.Deciders;

/// <summary>Follow-up's decisions, Given a history, When a command, Then events or a rejection.</summary>
public sealed class FollowupDecisionTests
{
    private static readonly DateTimeOffset ResolvedAt = T0.AddHours(3);
    private static readonly DateTimeOffset Now = T0.AddDays(2);
    private static string Seal(string text) => "sealed:" + text;

    [Fact]
    public void A_satisfied_survey_closes_the_case_and_seals_the_comment()
    {
        var events = SurveyDecision.Decide(Given(Resolved_case(ResolvedAt)), new RecordSurvey(4, 5, 4, 9, "thanks"), Agent, Seal, Now);

        var survey = Assert.IsType<SurveyRecorded>(events[0]);
        Assert.True(survey.Satisfied);
        Assert.Equal("sealed:thanks", survey.Comment);
        Assert.Equal(new ComplaintClosed(Id, Now), events[1]);
    }

    [Fact]
    public void Any_score_of_one_reopens_the_case_even_with_a_good_average()
    {
        var events = SurveyDecision.Decide(Given(Resolved_case(ResolvedAt)), new RecordSurvey(5, 1, 5, 3, ""), Agent, Seal, Now);

        Assert.False(Assert.IsType<SurveyRecorded>(events[0]).Satisfied);
        Assert.Equal("", ((SurveyRecorded)events[0]).Comment);
        Assert.IsType<ComplaintReopened>(events[1]);
    }

    [Fact]
    public void A_survey_waits_for_the_resolution_and_never_follows_a_closure()
    {
        Rejected(RejectionKind.FailedPrecondition, () => SurveyDecision.Decide(Given(Assigned_case()), new RecordSurvey(4, 4, 4, 8, ""), Agent, Seal, Now));
        Rejected(RejectionKind.FailedPrecondition, () =>
            SurveyDecision.Decide(Given([.. Resolved_case(ResolvedAt), Closed(Now)]), new RecordSurvey(4, 4, 4, 8, ""), Agent, Seal, Now));
    }

    [Fact]
    public void Another_agent_or_another_team_s_supervisor_may_not_record_the_survey()
    {
        var life = Given(Resolved_case(ResolvedAt));
        Rejected(RejectionKind.PermissionDenied, () => SurveyDecision.Decide(life, new RecordSurvey(4, 4, 4, 8, ""), OtherAgent, Seal, Now));
        Rejected(RejectionKind.PermissionDenied, () => SurveyDecision.Decide(life, new RecordSurvey(4, 4, 4, 8, ""), ForeignSupervisor, Seal, Now));
        Assert.Equal(2, SurveyDecision.Decide(life, new RecordSurvey(4, 4, 4, 8, ""), Supervisor, Seal, Now).Count);
    }

    [Fact]
    public void The_last_allowed_unanswered_call_back_closes_without_feedback()
    {
        var life = Given([.. Resolved_case(ResolvedAt), new CallbackUnanswered(Id, "care-01", "phone", 1, Now.AddHours(-2))]);

        var events = CallbackAttemptDecision.Decide(life, new RecordUnansweredCallback("phone", AttemptsAllowed: 2), Agent, Now);

        Assert.Equal(2, Assert.IsType<CallbackUnanswered>(events[0]).Attempt);
        Assert.Equal(new ComplaintClosed(Id, Now, WithoutFeedback: true), events[1]);
    }

    [Fact]
    public void An_earlier_unanswered_call_back_only_counts()
    {
        var events = CallbackAttemptDecision.Decide(Given(Resolved_case(ResolvedAt)), new RecordUnansweredCallback("sms", AttemptsAllowed: 3), Agent, Now);
        Assert.Equal(1, Assert.IsType<CallbackUnanswered>(Assert.Single(events)).Attempt);
    }

    [Fact]
    public void A_call_back_is_scheduled_once_per_resolution_and_again_after_a_later_one()
    {
        var resolved = new ComplaintResolved(Id, Guid.Empty, "care-01", ResolvedAt);
        var life = Given(Resolved_case(ResolvedAt));

        Assert.Equal([new CallbackScheduled(Id, ResolvedAt.AddDays(1), Now)], CallbackDecision.Schedule(life, null, resolved, TimeSpan.FromDays(1), Now));
        var scheduled = new CallbackClock { Id = Id, ResolvedAt = ResolvedAt, DueAt = ResolvedAt.AddDays(1) };
        Assert.Empty(CallbackDecision.Schedule(life, scheduled, resolved, TimeSpan.FromDays(1), Now));
        var later = resolved with { ResolvedAt = ResolvedAt.AddDays(3) };
        Assert.Single(CallbackDecision.Schedule(life, scheduled, later, TimeSpan.FromDays(1), Now));
    }

    [Fact]
    public void A_call_back_fires_once_when_due()
    {
        var life = Given(Resolved_case(ResolvedAt));
        var clock = new CallbackClock { Id = Id, ResolvedAt = ResolvedAt, DueAt = Now };

        Assert.Empty(CallbackDecision.Fire(life, clock, Now.AddMinutes(-1)));
        Assert.Equal([new CallbackDue(Id, Now, Now)], CallbackDecision.Fire(life, clock, Now));
        clock.Fired = true;
        Assert.Empty(CallbackDecision.Fire(life, clock, Now));
        Assert.Empty(CallbackDecision.Fire(life, null, Now));
    }

    [Fact]
    public void A_second_complaint_is_linked_to_the_first_once()
    {
        var first = Guid.NewGuid();
        Assert.Equal([new SecondComplaintLinked(Id, first, Now)], LinkSecondComplaints.Decide(Given(Filed()), first, Now));
        Assert.Empty(LinkSecondComplaints.Decide(Given(Filed(), new SecondComplaintLinked(Id, first, T0)), first, Now));
    }

    [Fact]
    public void A_root_cause_opens_its_action_and_the_action_is_completed_once()
    {
        var action = Guid.NewGuid();
        var recorded = RootCauseDecision.Record(Given(Resolved_case(ResolvedAt)),
            new RecordRootCause(["why"], " Training ", action, "train the team", "ops", new DateOnly(2027, 1, 31)), "analyst-01", Now);
        Assert.Equal("training", Assert.IsType<RootCauseIdentified>(recorded[0]).RootCauseCategory);
        Assert.Equal(action, Assert.IsType<ImprovementActionOpened>(recorded[1]).ActionId);

        var opened = Given([.. Resolved_case(ResolvedAt), .. recorded]);
        Assert.Equal([new ImprovementActionCompleted(Id, action, "done", "analyst-01", Now)], RootCauseDecision.Complete(opened, action, " done ", "analyst-01", Now));
        var completed = Given([.. Resolved_case(ResolvedAt), .. recorded, new ImprovementActionCompleted(Id, action, "done", "analyst-01", Now)]);
        Rejected(RejectionKind.FailedPrecondition, () => RootCauseDecision.Complete(completed, action, "again", "analyst-01", Now));
        Rejected(RejectionKind.FailedPrecondition, () => RootCauseDecision.Complete(Given(Resolved_case(ResolvedAt)), action, "done", "analyst-01", Now));
    }

    [Fact]
    public void A_later_complaint_is_linked_to_an_action_once()
    {
        var action = Guid.NewGuid();
        Assert.Single(RootCauseDecision.Link(Given(Filed()), action, Now));
        Assert.Empty(RootCauseDecision.Link(Given(Filed(), new LinkedToImprovementAction(Id, action, T0)), action, Now));
    }
}
