using Complaints.Contracts.Events;
using Complaints.Contracts.Resolution.V1;
using Complaints.Domain.Rules;
using Complaints.Resolution.Cases;
using Complaints.Resolution.Contacts;
using Complaints.Resolution.Departments;
using Complaints.Resolution.FirstResponse;
using Complaints.Resolution.Notices;
using Complaints.Resolution.ProgressUpdates;
using Complaints.Resolution.Queue;
using Complaints.Resolution.Remedies;
using Complaints.Resolution.Wording;
using Complaints.ServiceDefaults.Security;
using static Complaints.Tests.Unit.Deciders.History;

namespace Complaints.Tests.Unit.Deciders;

/// <summary>The agents' and supervisors' workflow decisions, Given a history, When a command, Then events or a rejection.</summary>
public sealed class ResolutionDecisionTests
{
    private static readonly WordingPolicy Wording = WordingPolicy.Load(Path.Combine(AppContext.BaseDirectory, "wording-rules.json"));
    private static readonly ApprovalLimits Limits = new();
    private static readonly DateTimeOffset Now = T0.AddHours(2);
    private static readonly Guid Remedy = Guid.Parse("01900000-0000-7000-8000-0000000000aa");

    private static CaseState Case(params object[] events) => new(Given(events)) { Sealer = text => "sealed:" + text };

    private static RemedyProposed Proposed(decimal amount, string by = "care-01", string approval = "") =>
        new(Id, Remedy, "refund", amount, "CNY", "sealed", by, Roles.Agent, null, approval, T0.AddHours(1));

    [Fact]
    public void A_first_response_is_recorded_sealed_with_the_promise_it_makes()
    {
        var events = SendFirstResponseHandler.Decide(Case(Assigned_case()),
            new SendFirstResponseRequest { Message = "Sorry for the trouble. I will call you back within 2 hours.", Channel = "phone" }, Agent, Wording, Now);

        var sent = Assert.IsType<FirstResponseSent>(events[0]);
        Assert.StartsWith("sealed:", sent.Message);
        var commitment = Assert.IsType<CommitmentMade>(events[1]);
        Assert.Equal(Now.AddHours(2), commitment.DueBy);
    }

    [Fact]
    public void A_first_response_is_sent_once_and_only_on_an_assigned_open_case()
    {
        var request = new SendFirstResponseRequest { Message = "We are looking into it.", Channel = "phone" };
        Rejected(RejectionKind.FailedPrecondition, () => SendFirstResponseHandler.Decide(Case([.. Assigned_case(), FirstResponse(T0)]), request, Agent, Wording, Now));
        Rejected(RejectionKind.FailedPrecondition, () => SendFirstResponseHandler.Decide(Case(Filed(), Triaged(), Routed()), request, Agent, Wording, Now));
        Rejected(RejectionKind.FailedPrecondition, () => SendFirstResponseHandler.Decide(Case(Resolved_case(T0.AddHours(1))), request, Agent, Wording, Now));
    }

    [Fact]
    public void Forbidden_wording_is_refused_on_its_field_unless_a_supervisor_overrides_it()
    {
        var request = new SendProgressUpdateRequest { Message = "This is not our responsibility.", Channel = "phone" };
        var refused = Rejected(RejectionKind.InvalidArgument, () => SendProgressUpdateHandler.Decide(Case(Assigned_case()), request, Agent, Wording, Now));
        Assert.Equal("message", Assert.Single(refused.Fields).Field);

        request.Override = new WordingOverride { Reason = "quoting the customer's own words" };
        Rejected(RejectionKind.PermissionDenied, () => SendProgressUpdateHandler.Decide(Case(Assigned_case()), request, Agent, Wording, Now));
        var events = SendProgressUpdateHandler.Decide(Case(Assigned_case()), request, Supervisor, Wording, Now);
        Assert.IsType<WordingOverridden>(events[0]);
        Assert.IsType<ProgressUpdateSent>(events[1]);
    }

    [Fact]
    public void Contacts_and_findings_are_sealed_working_records()
    {
        var contact = Assert.IsType<CustomerContacted>(Assert.Single(RecordContactHandler.Decide(Case(Assigned_case()),
            new RecordContactRequest { Channel = "phone", Reached = true, Note = "customer calm" }, Agent, Now)));
        Assert.Equal("sealed:customer calm", contact.Note);
        var finding = Assert.IsType<InvestigationFindingRecorded>(Assert.Single(RecordContactHandler.Decide(Case(Assigned_case()),
            new RecordFindingRequest { Finding = "billed twice" }, Agent, Now)));
        Assert.Equal("sealed:billed twice", finding.Finding);
    }

    [Fact]
    public void A_department_has_one_open_task_at_a_time_and_an_answered_task_is_done()
    {
        var task = Guid.NewGuid();
        var command = new HandToDepartment(task, "billing", "billing-desk", "check the charge", Now.AddHours(8));
        var opened = Assert.IsType<DepartmentTaskOpened>(Assert.Single(DepartmentTaskHandlers.Hand(Case(Assigned_case()), command, Agent, Now)));
        Assert.Equal("sealed:check the charge", opened.Request);

        var withTask = Case([.. Assigned_case(), opened]);
        Rejected(RejectionKind.FailedPrecondition, () => DepartmentTaskHandlers.Hand(withTask, command with { TaskId = Guid.NewGuid() }, Agent, Now));
        var answered = DepartmentTaskHandlers.Answer(withTask, new RecordDepartmentAnswerRequest { TaskId = task.ToString(), Answer = "refunded" }, Agent, Now);
        Rejected(RejectionKind.FailedPrecondition, () => DepartmentTaskHandlers.HandBack(Case([.. Assigned_case(), opened, .. answered]),
            new RecordDepartmentHandBackRequest { TaskId = task.ToString(), Reason = "not ours" }, Agent, Now));
        Rejected(RejectionKind.NotFound, () => DepartmentTaskHandlers.Answer(withTask, new RecordDepartmentAnswerRequest { TaskId = Guid.NewGuid().ToString(), Answer = "x" }, Agent, Now));
        Rejected(RejectionKind.InvalidArgument, () => DepartmentTaskHandlers.Answer(withTask, new RecordDepartmentAnswerRequest { TaskId = "nope", Answer = "x" }, Agent, Now));
    }

    [Fact]
    public void An_alternative_names_a_remedy_of_this_complaint()
    {
        var command = new ProposeRemedy(Guid.NewGuid(), "refund", 50, "CNY", "refund the fee", AlternativeTo: Guid.NewGuid(), "");
        Rejected(RejectionKind.NotFound, () => RemedyHandlers.Propose(Case(Assigned_case()), command, Agent, Now));
        var proposed = Assert.IsType<RemedyProposed>(Assert.Single(RemedyHandlers.Propose(Case(Assigned_case()), command with { AlternativeTo = null }, Agent, Now)));
        Assert.Equal("sealed:refund the fee", proposed.Description);
    }

    [Fact]
    public void Nobody_approves_their_own_proposal_nor_above_their_limit()
    {
        var waiting = Case([.. Assigned_case(), Proposed(3000, by: "care-sup", approval: Roles.Manager)]);
        var approve = new DecideApprovalRequest { RemedyId = Remedy.ToString(), Approve = true, Reason = "goodwill" };
        Rejected(RejectionKind.PermissionDenied, () => RemedyHandlers.DecideApproval(waiting, approve, Supervisor, Limits, Now));
        Rejected(RejectionKind.PermissionDenied, () => RemedyHandlers.DecideApproval(waiting, approve, new Caller("care-sup-2", Roles.Supervisor, "care"), Limits, Now));
        Assert.IsType<RemedyApproved>(Assert.Single(RemedyHandlers.DecideApproval(waiting, approve, new Caller("mgr-01", Roles.Manager, null), Limits, Now)));
        // Refusing needs no limit.
        Assert.IsType<RemedyRefused>(Assert.Single(RemedyHandlers.DecideApproval(waiting, new DecideApprovalRequest { RemedyId = Remedy.ToString(), Reason = "too much" },
            new Caller("care-sup-2", Roles.Supervisor, "care"), Limits, Now)));
        Rejected(RejectionKind.FailedPrecondition, () => RemedyHandlers.DecideApproval(Case([.. Assigned_case(), Proposed(100)]), approve, Supervisor, Limits, Now));
    }

    [Fact]
    public void An_accepted_remedy_resolves_the_complaint_with_a_written_confirmation()
    {
        var offered = Case([.. Assigned_case(), Proposed(100)]);
        var events = RemedyHandlers.RecordDecision(offered, new RecordCustomerDecisionRequest
        {
            RemedyId = Remedy.ToString(), Accepted = true, Confirmation = "We refund 100 CNY today.", ConfirmationChannel = "sms",
        }, Agent, Wording, Now);
        Assert.Equal([typeof(RemedyAccepted), typeof(ComplaintResolved), typeof(ResolutionConfirmed)], events.Select(e => e.GetType()));

        var rejected = RemedyHandlers.RecordDecision(offered, new RecordCustomerDecisionRequest { RemedyId = Remedy.ToString(), PreferredRemedy = "a visit" }, Agent, Wording, Now);
        Assert.Equal("sealed:a visit", Assert.IsType<RemedyRejected>(Assert.Single(rejected)).PreferredRemedy);
    }

    [Fact]
    public void A_remedy_waiting_for_approval_cannot_be_offered_yet()
    {
        var waiting = Case([.. Assigned_case(), Proposed(600, approval: Roles.Supervisor)]);
        Rejected(RejectionKind.FailedPrecondition, () => RemedyHandlers.RecordDecision(waiting,
            new RecordCustomerDecisionRequest { RemedyId = Remedy.ToString(), PreferredRemedy = "x" }, Agent, Wording, Now));
    }

    [Fact]
    public void Only_the_assignee_or_their_team_s_supervisor_works_a_case()
    {
        Rejected(RejectionKind.PermissionDenied, () => CaseStream.RequireMayWork(Case(Assigned_case()), OtherAgent));
        Rejected(RejectionKind.PermissionDenied, () => CaseStream.RequireMayWork(Case(Assigned_case()), ForeignSupervisor));
        Rejected(RejectionKind.PermissionDenied, () => CaseStream.RequireMayWork(Case(Assigned_case()), Analyst));
        CaseStream.RequireMayWork(Case(Assigned_case()), Supervisor);
        CaseStream.RequireMayWork(Case(Assigned_case()), Agent);
    }

    [Fact]
    public void A_missed_update_is_flagged_only_when_the_stream_shows_no_news_in_the_interval()
    {
        var interval = TimeSpan.FromHours(24);
        var due = T0.AddDays(1);
        var file = new CaseFile { Id = Id, NextUpdateDue = due, AssignedAt = T0 };
        var missed = Assert.IsType<ProgressUpdateMissed>(Assert.Single(MissedUpdateSweeper.Decide(Given(Assigned_case()), file, interval, due.AddMinutes(1))));
        Assert.Equal(due, missed.DueAt);

        Assert.Empty(MissedUpdateSweeper.Decide(Given(Assigned_case()), file, interval, due.AddMinutes(-1)));
        Assert.Empty(MissedUpdateSweeper.Decide(Given([.. Assigned_case(), FirstResponse(T0.AddHours(20))]), file, interval, due.AddMinutes(1)));
        Assert.Empty(MissedUpdateSweeper.Decide(Given(Resolved_case(T0.AddHours(3))), file, interval, due.AddMinutes(1)));
        Assert.Empty(MissedUpdateSweeper.Decide(Given(Assigned_case()), null, interval, due.AddMinutes(1)));
    }

    [Fact]
    public void A_moved_date_is_told_to_the_customer_once_per_change()
    {
        var templates = new NoticeTemplates(Microsoft.Extensions.Options.Options.Create(new ResolutionOptions()),
            Microsoft.Extensions.Options.Options.Create(new Complaints.Domain.ServiceLevels.SlaOptions()), Wording);
        var changed = new ResolutionDueChanged(Id, T0.AddDays(1), T0.AddDays(5), "complex", T0);
        var notice = Assert.IsType<CustomerNotified>(Assert.Single(NotifyNewResolutionDates.Decide(Given(Assigned_case()), changed, 5, templates, text => "sealed:" + text, Now)));
        Assert.Equal(5, notice.AboutVersion);
        Assert.StartsWith("sealed:", notice.Message);

        Assert.Empty(NotifyNewResolutionDates.Decide(Given([.. Assigned_case(), notice]), changed, 5, templates, text => text, Now));
        Assert.Empty(NotifyNewResolutionDates.Decide(Given(Assigned_case()), changed, 5, templates, seal: null, Now));
    }
}
