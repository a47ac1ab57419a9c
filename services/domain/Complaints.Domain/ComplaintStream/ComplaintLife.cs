using System.Collections.Frozen;
using Complaints.Contracts.Events;
using Complaints.Domain.ServiceLevels;

namespace Complaints.Domain.ComplaintStream;

/// <summary>Where a complaint is in its life, derived from everything that happened to it.</summary>
public enum ComplaintStage
{
    Filed,
    Triaged,
    Routed,
    Assigned,
    FirstResponseSent,
    Investigating,
    AwaitingApproval,
    AwaitingCustomer,
    Resolved,
    Closed,
    Reopened,
}

public enum RemedyStage { Proposed, PendingApproval, Approved, Refused, Accepted, Rejected }

public sealed class RemedyLife
{
    public Guid Id { get; internal set; }
    public string Kind { get; internal set; } = "";
    public decimal Amount { get; internal set; }
    public string Currency { get; internal set; } = "";
    public string ProposedBy { get; internal set; } = "";
    public string RequiresApprovalFrom { get; internal set; } = "";
    public RemedyStage Stage { get; internal set; }
    /// <summary>Who approved or refused it, and why.</summary>
    public string DecidedBy { get; internal set; } = "";
    public string DecisionReason { get; internal set; } = "";
}

public sealed record BreachLife(string Deadline, DateTimeOffset DueAt, string Tier, DateTimeOffset DetectedAt);

/// <summary>Work handed to another department and where it stands.</summary>
public sealed class DepartmentTaskLife
{
    public Guid Id { get; init; }
    public string Department { get; init; } = "";
    public string Contact { get; init; } = "";
    public DateTimeOffset DueBy { get; init; }
    public DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset? AnsweredAt { get; internal set; }
    public DateTimeOffset? HandedBackAt { get; internal set; }
    public string HandBackReason { get; internal set; } = "";
    public bool Open => AnsweredAt is null && HandedBackAt is null;
}

/// <summary>A promise to the customer: kept when news reached them by its time, broken when the sweeper found it was not.</summary>
public sealed class CommitmentLife
{
    public Guid Id { get; init; }
    public string Promise { get; init; } = "";
    public DateTimeOffset DueBy { get; init; }
    public DateTimeOffset MadeAt { get; init; }
    public string MadeBy { get; init; } = "";
    public DateTimeOffset? KeptAt { get; internal set; }
    public bool Broken { get; internal set; }
}

public sealed record CaseSummaryLife(string MaskedDescription, string HandlingSummary, string WrittenBy, DateTimeOffset WrittenAt);

public sealed record SurveyLife(int Timeliness, int Solution, int Attitude, int Nps, bool Satisfied, DateTimeOffset RecordedAt);

/// <summary>
/// The one fold of a complaint's stream: every reader (GetComplaint, the audit API and CLI, the
/// workflow's guards, follow-up's facts) and every decision (through the one writer,
/// ComplaintWriter) takes the complaint's state from here, so a new event is handled in one place.
/// Marten folds it live (<c>AggregateStreamAsync&lt;ComplaintLife&gt;</c>, also at a past version or
/// instant, through ComplaintLifeFold) and <see cref="Fold"/> folds events already loaded, both
/// through <see cref="Handlers"/>, one When per event; a test fails when an event of the stream has
/// none. (Not "Apply": Marten would take those for a second, conventional fold.) Readers see it
/// read-only: only the When methods change it. Personal fields hold what is stored: sealed values,
/// revealed only by whoever may read them.
/// </summary>
public sealed class ComplaintLife
{
    public Guid Id { get; set; }
    /// <summary>The stream version folded so far (Marten sets it; <see cref="Fold"/> too).</summary>
    public long Version { get; set; }
    public ComplaintStage Stage { get; private set; }

    public string ComplaintNumber { get; private set; } = "";
    public string Channel { get; private set; } = "";
    public string FiledBy { get; private set; } = "";
    public string CustomerId { get; private set; } = "";
    public Guid? CustomerKeyId { get; private set; }
    public string CustomerName { get; private set; } = "";
    public string CustomerPhone { get; private set; } = "";
    public string CustomerEmail { get; private set; } = "";
    public string Description { get; private set; } = "";
    public string SubjectKey { get; private set; } = "";
    public DateTimeOffset FiledAt { get; private set; }
    public bool IsRepeat { get; private set; }
    public Guid? RepeatOf { get; private set; }

    public string Category { get; private set; } = "";
    public string Kind { get; private set; } = "";
    public string Style { get; private set; } = "";
    public string Emotion { get; private set; } = "";
    public string Priority { get; private set; } = "";
    public bool Complex { get; private set; }
    public IReadOnlyList<string> EmergencyFlags { get; private set; } = [];
    /// <summary>Triage was unsure; the reasons say why.</summary>
    public bool TriageNeedsReview { get; private set; }
    public IReadOnlyList<string> TriageReviewReasons { get; private set; } = [];
    public string Motive { get; private set; } = "";
    /// <summary>A harassing or nonsense contact, as triage or a correction says.</summary>
    public bool Nuisance { get; private set; }
    /// <summary>A supervisor confirmed the contact is a nuisance one: it leaves the KPIs.</summary>
    public bool NuisanceConfirmed { get; private set; }
    /// <summary>Corrections made to triage, oldest first.</summary>
    public IReadOnlyList<TriageCorrected> TriageCorrections => triageCorrections;
    private readonly List<TriageCorrected> triageCorrections = [];
    public IReadOnlyList<string> TriageGuidance { get; private set; } = [];

    public string Team { get; private set; } = "";
    /// <summary>The named owner (agent, or supervisor/manager after escalation), null until assigned.</summary>
    public string? Owner { get; private set; }
    public string Tier { get; private set; } = "";
    /// <summary>Everyone the complaint was ever assigned to: they may still read it.</summary>
    public IReadOnlySet<string> Assignees => assignees;
    private readonly HashSet<string> assignees = [];
    public DateTimeOffset? FirstResponseDue { get; private set; }
    public DateTimeOffset? ResolutionDue { get; private set; }
    public IReadOnlyList<BreachLife> Breaches => breaches;
    private readonly List<BreachLife> breaches = [];
    public int Escalations { get; private set; }

    public DateTimeOffset? FirstResponseAt { get; private set; }
    public int Findings { get; private set; }
    public int Contacts { get; private set; }
    public DateTimeOffset? LastProgressUpdateAt { get; private set; }
    public int ProgressUpdatesMissed { get; private set; }
    public int WordingOverrides { get; private set; }

    public IReadOnlyDictionary<Guid, RemedyLife> Remedies => remedies;
    private readonly Dictionary<Guid, RemedyLife> remedies = [];
    public IReadOnlyList<CommitmentLife> Commitments => commitments;
    private readonly List<CommitmentLife> commitments = [];
    /// <summary>The remedy the customer accepted, once they did.</summary>
    public Guid? AcceptedRemedy { get; private set; }
    public int RemediesRejected { get; private set; }
    /// <summary>The first resolution: handling time and solve rate count from it.</summary>
    public DateTimeOffset? FirstResolvedAt { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }
    /// <summary>The remedy of the latest resolution; unlike <see cref="AcceptedRemedy"/> it outlives a reopening, for the case library.</summary>
    public Guid? ResolvedWithRemedy { get; private set; }
    public DateTimeOffset? ConfirmedAt { get; private set; }
    public string ConfirmationChannel { get; private set; } = "";

    public DateTimeOffset? CallbackDueAt { get; private set; }
    public SurveyLife? Survey { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    /// <summary>Closed because the customer could not be reached after the configured call-back attempts.</summary>
    public bool ClosedWithoutFeedback { get; private set; }
    /// <summary>Call-backs since the last resolution in which the customer could not be reached.</summary>
    public int UnansweredCallbacks { get; private set; }
    public int Reopens { get; private set; }
    public Guid? SecondComplaintOf { get; private set; }
    public string RootCauseCategory { get; private set; } = "";
    public IReadOnlyList<string> Whys { get; private set; } = [];
    /// <summary>Improvement actions opened from this complaint's root cause.</summary>
    public IReadOnlyList<Guid> ImprovementActions => improvementActions;
    private readonly List<Guid> improvementActions = [];
    /// <summary>Improvement actions this (later) complaint was linked to, to verify them.</summary>
    public IReadOnlyList<Guid> LinkedImprovementActions => linkedImprovementActions;
    private readonly List<Guid> linkedImprovementActions = [];

    /// <summary>The case library's write-up (sealed texts), the latest one written.</summary>
    public CaseSummaryLife? CaseSummary { get; private set; }

    public bool PersonalDataErased { get; private set; }
    public DateTimeOffset? ErasedAt { get; private set; }

    // Recomputed after every event from what happened, so no event can leave it stale.
    private bool reopenedAwaitingWork;
    private bool workRecorded;

    public void When(ComplaintFiled e)
    {
        Id = e.ComplaintId; ComplaintNumber = e.ComplaintNumber; Channel = e.Channel; FiledBy = e.FiledBy;
        CustomerId = e.CustomerId; CustomerKeyId = e.CustomerKeyId; CustomerName = e.CustomerName; CustomerPhone = e.CustomerPhone;
        CustomerEmail = e.CustomerEmail; Description = e.Description; SubjectKey = e.SubjectKey; FiledAt = e.FiledAt;
        IsRepeat = e.IsRepeat; RepeatOf = e.RepeatOf; FirstResponseDue = e.FirstResponseDue; ResolutionDue = e.ResolutionDue;
        Derive();
    }

    public void When(ComplaintTriaged e)
    {
        Category = e.Category; Kind = e.Kind; Style = e.Style; Emotion = e.Emotion; Priority = e.Priority; Complex = e.Complex;
        EmergencyFlags = [.. e.EmergencyFlags];
        TriageNeedsReview = e.NeedsReview;
        TriageReviewReasons = [.. e.ReviewReasons];
        Motive = e.Motive; Nuisance = e.Nuisance;
        TriageGuidance = [.. e.Guidance];
        Derive();
    }

    public void When(TriageCorrected e)
    {
        foreach (var change in e.Changes)
        {
            switch (change.Aspect)
            {
                case TriageAspects.Category: Category = change.To; break;
                case TriageAspects.Kind: Kind = change.To; break;
                case TriageAspects.Style: Style = change.To; break;
                case TriageAspects.Emotion: Emotion = change.To; break;
                case TriageAspects.Motive: Motive = change.To; break;
                case TriageAspects.Priority: Priority = change.To; break;
                case TriageAspects.Emergency:
                    EmergencyFlags = change.To.Split(',', StringSplitOptions.RemoveEmptyEntries);
                    break;
                case TriageAspects.Nuisance:
                    Nuisance = change.To is NuisanceStates.Suspected or NuisanceStates.Confirmed;
                    NuisanceConfirmed = change.To == NuisanceStates.Confirmed;
                    break;
                default: throw new InvalidOperationException($"TriageCorrected changes an unknown aspect '{change.Aspect}'");
            }
        }
        // A person looked at the triage: it no longer waits for review.
        TriageNeedsReview = false;
        TriageReviewReasons = [];
        triageCorrections.Add(e);
        Derive();
    }

    public void When(ResolutionDueChanged e) { ResolutionDue = e.NewDue; Derive(); }

    public void When(RegulatoryClockExtended e) { regulatoryExtensions.Add(e); Derive(); }

    /// <summary>Regulators' clocks extended on this complaint (each at most once), oldest first.</summary>
    public IReadOnlyList<RegulatoryClockExtended> RegulatoryExtensions => regulatoryExtensions;
    private readonly List<RegulatoryClockExtended> regulatoryExtensions = [];

    public void When(CustomerNotified e) { notices.Add(e); Derive(); }

    // Deliveries to the channel system are the platform's own bookkeeping: no work on the case, no stage change.
    public void When(NoticeDelivered e) => NoticesDelivered++;
    public void When(NoticeDeliveryFailed e) => NoticesUndelivered++;
    public int NoticesDelivered { get; private set; }
    public int NoticesUndelivered { get; private set; }

    /// <summary>Notices the platform sent the customer, oldest first.</summary>
    public IReadOnlyList<CustomerNotified> Notices => notices;
    private readonly List<CustomerNotified> notices = [];

    public void When(ComplaintRouted e) { Team = e.Team; Derive(); }

    public void When(ComplaintAssigned e)
    {
        Team = e.Team; Owner = e.AgentId; Tier = e.Tier; assignees.Add(e.AgentId);
        FirstResponseDue = e.FirstResponseDue; ResolutionDue = e.ResolutionDue;
        Derive();
    }

    public void When(SlaBreached e)
    {
        breaches.Add(new BreachLife(e.Deadline, e.DueAt, e.Tier, e.DetectedAt));
        if (Deadline.Parse(e.Deadline).Kind == DeadlineKind.Commitment)
            foreach (var broken in Commitments.Where(c => c.KeptAt is null && c.DueBy == e.DueAt)) broken.Broken = true;
        Derive();
    }

    public void When(ComplaintEscalated e) { Owner = e.AssigneeId; Tier = e.ToTier; assignees.Add(e.AssigneeId); Escalations++; Derive(); }

    public void When(FirstResponseSent e) { FirstResponseAt ??= e.SentAt; Derive(); }

    public void When(CustomerContacted e) { Contacts++; Kept(e.ContactedAt); Worked(); }

    /// <summary>Work handed to other departments, by task id.</summary>
    public IReadOnlyDictionary<Guid, DepartmentTaskLife> DepartmentTasks => departmentTasks;
    private readonly Dictionary<Guid, DepartmentTaskLife> departmentTasks = [];

    /// <summary>How many times departments handed work back without doing it.</summary>
    public int HandBacks => DepartmentTasks.Values.Count(t => t.HandedBackAt is not null);

    public void When(DepartmentTaskOpened e)
    {
        departmentTasks[e.TaskId] = new DepartmentTaskLife { Id = e.TaskId, Department = e.Department, Contact = e.Contact, DueBy = e.DueBy, OpenedAt = e.OpenedAt };
        Worked();
    }

    public void When(DepartmentTaskAnswered e)
    {
        if (DepartmentTasks.TryGetValue(e.TaskId, out var task)) task.AnsweredAt = e.AnsweredAt;
        Worked();
    }

    public void When(DepartmentTaskHandedBack e)
    {
        if (DepartmentTasks.TryGetValue(e.TaskId, out var task)) { task.HandedBackAt = e.HandedBackAt; task.HandBackReason = e.Reason; }
        Derive();
    }

    public void When(CommitmentMade e)
    {
        commitments.Add(new CommitmentLife { Id = e.CommitmentId, Promise = e.Promise, DueBy = e.DueBy, MadeAt = e.MadeAt, MadeBy = e.MadeBy });
        Derive();
    }

    public void When(InvestigationFindingRecorded e) { Findings++; Worked(); }

    public void When(RemedyProposed e)
    {
        remedies[e.RemedyId] = new RemedyLife
        {
            Id = e.RemedyId, Kind = e.Kind, Amount = e.Amount, Currency = e.Currency, ProposedBy = e.ProposedBy,
            RequiresApprovalFrom = e.RequiresApprovalFrom,
            Stage = e.RequiresApprovalFrom.Length > 0 ? RemedyStage.PendingApproval : RemedyStage.Proposed,
        };
        Worked();
    }

    public void When(RemedyApproved e) => Decide(e.RemedyId, RemedyStage.Approved, e.ApprovedBy, e.Reason);

    public void When(RemedyRefused e) => Decide(e.RemedyId, RemedyStage.Refused, e.RefusedBy, e.Reason);

    public void When(RemedyAccepted e) { AcceptedRemedy = e.RemedyId; Decide(e.RemedyId, RemedyStage.Accepted, null, null); }

    public void When(RemedyRejected e) { RemediesRejected++; Decide(e.RemedyId, RemedyStage.Rejected, null, null); }

    public void When(ComplaintResolved e) { FirstResolvedAt ??= e.ResolvedAt; ResolvedAt = e.ResolvedAt; ResolvedWithRemedy = e.RemedyId; Kept(e.ResolvedAt); Derive(); }

    public void When(ResolutionConfirmed e) { ConfirmedAt = e.SentAt; ConfirmationChannel = e.Channel; Kept(e.SentAt); Derive(); }

    public void When(ProgressUpdateSent e) { LastProgressUpdateAt = e.SentAt; Kept(e.SentAt); Worked(); }

    public void When(ProgressUpdateMissed e) { ProgressUpdatesMissed++; Derive(); }

    public void When(WordingOverridden e) { WordingOverrides++; Derive(); }

    public void When(CallbackScheduled e) { CallbackDueAt = e.DueAt; Derive(); }

    public void When(CallbackDue e) => Derive();

    public void When(SurveyRecorded e) { Survey = new SurveyLife(e.Timeliness, e.Solution, e.Attitude, e.Nps, e.Satisfied, e.RecordedAt); Derive(); }

    public void When(CallbackUnanswered e) { UnansweredCallbacks = Math.Max(UnansweredCallbacks, e.Attempt); Derive(); }

    public void When(ComplaintClosed e) { ClosedAt = e.ClosedAt; ClosedWithoutFeedback = e.WithoutFeedback; Derive(); }

    public void When(ComplaintReopened e)
    {
        Reopens++; ResolvedAt = null; ClosedAt = null; ClosedWithoutFeedback = false; UnansweredCallbacks = 0; AcceptedRemedy = null; reopenedAwaitingWork = true;
        Derive();
    }

    public void When(SecondComplaintLinked e) { SecondComplaintOf = e.FirstComplaintId; Derive(); }

    public void When(RootCauseIdentified e) { RootCauseCategory = e.RootCauseCategory; Whys = [.. e.Whys]; Derive(); }

    public void When(ImprovementActionOpened e) { improvementActions.Add(e.ActionId); Derive(); }

    /// <summary>Improvement actions from this complaint that were carried out.</summary>
    public IReadOnlyList<Guid> CompletedImprovementActions => completedImprovementActions;
    private readonly List<Guid> completedImprovementActions = [];

    public void When(ImprovementActionCompleted e) { completedImprovementActions.Add(e.ActionId); Derive(); }

    public void When(CaseSummaryWritten e) { CaseSummary = new CaseSummaryLife(e.MaskedDescription, e.HandlingSummary, e.WrittenBy, e.WrittenAt); Derive(); }

    public void When(LinkedToImprovementAction e) { linkedImprovementActions.Add(e.ActionId); Derive(); }

    public void When(CustomerDataErased e) { PersonalDataErased = true; ErasedAt = e.ErasedAt; Derive(); }

    /// <summary>News reached the customer: every promise still open and not yet due is kept.</summary>
    private void Kept(DateTimeOffset at)
    {
        foreach (var commitment in Commitments.Where(c => c.KeptAt is null && !c.Broken && c.MadeAt <= at && at <= c.DueBy))
            commitment.KeptAt = at;
    }

    private void Decide(Guid remedyId, RemedyStage stage, string? by, string? reason)
    {
        if (Remedies.TryGetValue(remedyId, out var remedy))
        {
            remedy.Stage = stage;
            if (by is not null) { remedy.DecidedBy = by; remedy.DecisionReason = reason ?? ""; }
        }
        Worked();
    }

    private void Worked()
    {
        workRecorded = true;
        reopenedAwaitingWork = false;
        Derive();
    }

    private void Derive() => Stage =
        ClosedAt is not null ? ComplaintStage.Closed
        : ResolvedAt is not null ? ComplaintStage.Resolved
        : reopenedAwaitingWork ? ComplaintStage.Reopened
        : Remedies.Values.Any(r => r.Stage == RemedyStage.PendingApproval) ? ComplaintStage.AwaitingApproval
        : Remedies.Values.Any(r => r.Stage is RemedyStage.Proposed or RemedyStage.Approved) ? ComplaintStage.AwaitingCustomer
        : workRecorded ? ComplaintStage.Investigating
        : FirstResponseAt is not null ? ComplaintStage.FirstResponseSent
        : Owner is not null ? ComplaintStage.Assigned
        : Team.Length > 0 ? ComplaintStage.Routed
        : Category.Length > 0 ? ComplaintStage.Triaged
        : ComplaintStage.Filed;

    /// <summary>
    /// The event types this fold handles, each with its When: written out rather than found by
    /// reflection, so reading it shows everything the fold takes in. ComplaintLifeTests fails when an
    /// event of the stream is missing here.
    /// </summary>
    public static readonly FrozenDictionary<Type, Action<ComplaintLife, object>> Handlers = new[]
    {
        On<ComplaintFiled>(static (life, e) => life.When(e)),
        On<ComplaintTriaged>(static (life, e) => life.When(e)),
        On<TriageCorrected>(static (life, e) => life.When(e)),
        On<ResolutionDueChanged>(static (life, e) => life.When(e)),
        On<RegulatoryClockExtended>(static (life, e) => life.When(e)),
        On<CustomerNotified>(static (life, e) => life.When(e)),
        On<NoticeDelivered>(static (life, e) => life.When(e)),
        On<NoticeDeliveryFailed>(static (life, e) => life.When(e)),
        On<ComplaintRouted>(static (life, e) => life.When(e)),
        On<ComplaintAssigned>(static (life, e) => life.When(e)),
        On<SlaBreached>(static (life, e) => life.When(e)),
        On<ComplaintEscalated>(static (life, e) => life.When(e)),
        On<FirstResponseSent>(static (life, e) => life.When(e)),
        On<CustomerContacted>(static (life, e) => life.When(e)),
        On<DepartmentTaskOpened>(static (life, e) => life.When(e)),
        On<DepartmentTaskAnswered>(static (life, e) => life.When(e)),
        On<DepartmentTaskHandedBack>(static (life, e) => life.When(e)),
        On<CommitmentMade>(static (life, e) => life.When(e)),
        On<InvestigationFindingRecorded>(static (life, e) => life.When(e)),
        On<RemedyProposed>(static (life, e) => life.When(e)),
        On<RemedyApproved>(static (life, e) => life.When(e)),
        On<RemedyRefused>(static (life, e) => life.When(e)),
        On<RemedyAccepted>(static (life, e) => life.When(e)),
        On<RemedyRejected>(static (life, e) => life.When(e)),
        On<ComplaintResolved>(static (life, e) => life.When(e)),
        On<ResolutionConfirmed>(static (life, e) => life.When(e)),
        On<ProgressUpdateSent>(static (life, e) => life.When(e)),
        On<ProgressUpdateMissed>(static (life, e) => life.When(e)),
        On<WordingOverridden>(static (life, e) => life.When(e)),
        On<CallbackScheduled>(static (life, e) => life.When(e)),
        On<CallbackDue>(static (life, e) => life.When(e)),
        On<SurveyRecorded>(static (life, e) => life.When(e)),
        On<CallbackUnanswered>(static (life, e) => life.When(e)),
        On<ComplaintClosed>(static (life, e) => life.When(e)),
        On<ComplaintReopened>(static (life, e) => life.When(e)),
        On<SecondComplaintLinked>(static (life, e) => life.When(e)),
        On<RootCauseIdentified>(static (life, e) => life.When(e)),
        On<ImprovementActionOpened>(static (life, e) => life.When(e)),
        On<ImprovementActionCompleted>(static (life, e) => life.When(e)),
        On<CaseSummaryWritten>(static (life, e) => life.When(e)),
        On<LinkedToImprovementAction>(static (life, e) => life.When(e)),
        On<CustomerDataErased>(static (life, e) => life.When(e)),
    }.ToFrozenDictionary();

    private static KeyValuePair<Type, Action<ComplaintLife, object>> On<TEvent>(Action<ComplaintLife, TEvent> when) =>
        new(typeof(TEvent), (life, data) => when(life, (TEvent)data));

    /// <summary>
    /// Folds events already loaded (version, data), in order, with the same When methods Marten's live
    /// fold uses. Null when the stream is no complaint: empty, or not starting with its filing (Marten
    /// keeps streams of its own, tombstones, beside the complaints').
    /// </summary>
    public static ComplaintLife? Fold(Guid complaintId, IEnumerable<(long Version, object Data)> events)
    {
        ComplaintLife? life = null;
        foreach (var (version, data) in events)
        {
            life ??= data is ComplaintFiled ? new ComplaintLife { Id = complaintId } : null;
            if (life is null) return null;
            life.Evolve(version, data);
        }
        return life;
    }

    /// <summary>Applies one event; an event this fold does not know is an error, never silently ignored.</summary>
    public void Evolve(long version, object data)
    {
        if (!Handlers.TryGetValue(data.GetType(), out var apply))
            throw new InvalidOperationException($"ComplaintLife has no When for {data.GetType().Name}");
        apply(this, data);
        Version = version;
    }
}
