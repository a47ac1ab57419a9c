namespace Complaints.Contracts.Events;

// The events of a complaint's stream in Marten. Every service appends to the same stream,
// and the event relay publishes each committed event on RabbitMQ as it is: these records are
// therefore both the audit record and the integration contract. Evolve them by adding
// optional members only; never rename or remove one.
//
// Personal data (customer name, phone, email, and free text that may hold anything personal:
// description, messages to the customer, contact notes, findings, the written confirmation, the
// preferred remedy, the survey comment) is never stored or published in clear: those members hold
// values sealed under the customer's data key ("pd1...."), which services reveal in memory and which
// read as erased once the key is destroyed. Who acted is also in each event's "actor" headers.

/// <summary>An event of a complaint's stream; the stream id is the complaint id.</summary>
public interface IComplaintEvent
{
    Guid ComplaintId { get; }
}

/// <summary>A file a customer sent; the content stays in the channel's document store.</summary>
public sealed record AttachmentInfo(string FileName, string ContentType, long SizeBytes, string Uri);

/// <summary>A channel system filed a complaint; the stream starts here. Name, phone, email and description are sealed.</summary>
public sealed record ComplaintFiled(
    Guid ComplaintId,
    string ComplaintNumber,
    string Channel,
    string CustomerId,
    string CustomerName,
    string CustomerPhone,
    string CustomerEmail,
    string Description,
    DateTimeOffset? IncidentTime,
    DateTimeOffset FiledAt) : IComplaintEvent
{
    /// <summary>The channel system (token subject) that filed it; only it, among channels, may read the complaint.</summary>
    public string FiledBy { get; init; } = "";
    /// <summary>The customer's data key that seals this complaint's personal data.</summary>
    public Guid? CustomerKeyId { get; init; }
    public string ChannelReference { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
    public string ProductRef { get; init; } = "";
    public string OrderRef { get; init; } = "";
    public string AccountRef { get; init; } = "";
    /// <summary>What the complaint is about ("order:A-17", "product:WM-1", "account:622-01"), or "" when unknown.</summary>
    public string SubjectKey { get; init; } = "";
    /// <summary>What the customer asks for: explanation, fix, refund_or_compensation, apology, policy_change.</summary>
    public IReadOnlyList<string> Requests { get; init; } = [];
    /// <summary>calm, dissatisfied, angry, out_of_control, or "" when nobody observed it.</summary>
    public string ObservedEmotion { get; init; } = "";
    public IReadOnlyList<AttachmentInfo> Attachments { get; init; } = [];
    /// <summary>Same customer, same subject, within the repeat window: raises priority.</summary>
    public bool IsRepeat { get; init; }
    public Guid? RepeatOf { get; init; }
    public IReadOnlyList<Guid> EarlierComplaintIds { get; init; } = [];
    /// <summary>The promise made in the acknowledgement.</summary>
    public DateTimeOffset? FirstResponseDue { get; init; }
    public DateTimeOffset? ResolutionDue { get; init; }
}

/// <summary>One decision of triage, with the rule that made it, why, and how sure it is (0 to 1).</summary>
public sealed record TriageDecision(string Aspect, string Value, string Rule, string Reason)
{
    public double Confidence { get; init; } = 1;
}

/// <summary>Routing classified the complaint (the brief's category, kind, style, emotion, expectation, emergency).</summary>
public sealed record ComplaintTriaged(
    Guid ComplaintId,
    string Category,
    string Kind,
    string Style,
    string Emotion,
    IReadOnlyList<string> Expectations,
    IReadOnlyList<string> EmergencyFlags,
    string Priority,
    bool Complex,
    IReadOnlyList<TriageDecision> Decisions,
    DateTimeOffset TriagedAt) : IComplaintEvent
{
    /// <summary>Triage was unsure (nothing matched, or signals conflicted): the agent and supervisor should check it.</summary>
    public bool NeedsReview { get; init; }
    public IReadOnlyList<string> ReviewReasons { get; init; } = [];
    /// <summary>Seed 001's motive: improvement, explanation, gain or trouble.</summary>
    public string Motive { get; init; } = "";
    /// <summary>A harassing or nonsense contact: handled by the standard process, kept out of KPIs and hostile caps.</summary>
    public bool Nuisance { get; init; }
    /// <summary>How sure triage is of the category, 0 to 1.</summary>
    public double Confidence { get; init; } = 1;
    /// <summary>How to handle this customer, from the style and motive (soothe a venting customer first...).</summary>
    public IReadOnlyList<string> Guidance { get; init; } = [];
}

/// <summary>One aspect of triage a person changed: category, kind, style, emotion, motive, nuisance, emergency or priority.</summary>
public sealed record TriageChange(string Aspect, string From, string To);

/// <summary>
/// An agent, supervisor or manager corrected triage: what changed, who (as the token says) and why.
/// Routing re-routes the case when the team changes; the corpus grows from these.
/// </summary>
public sealed record TriageCorrected(
    Guid ComplaintId,
    IReadOnlyList<TriageChange> Changes,
    string Reason,
    string CorrectedBy,
    string Role,
    DateTimeOffset CorrectedAt) : IComplaintEvent;

/// <summary>Routing picked the team that owns the complaint, and says which rule decided.</summary>
public sealed record ComplaintRouted(
    Guid ComplaintId,
    string Team,
    string Rule,
    DateTimeOffset RoutedAt) : IComplaintEvent;

/// <summary>The complaint has a named owner at a tier, and SLA deadlines.</summary>
public sealed record ComplaintAssigned(
    Guid ComplaintId,
    string Team,
    string AgentId,
    string Tier,
    string Reason,
    DateTimeOffset FirstResponseDue,
    DateTimeOffset ResolutionDue,
    DateTimeOffset AssignedAt) : IComplaintEvent;

/// <summary>A deadline ("first_response" or "resolution") passed unmet.</summary>
public sealed record SlaBreached(
    Guid ComplaintId,
    string Deadline,
    DateTimeOffset DueAt,
    string Tier,
    DateTimeOffset DetectedAt) : IComplaintEvent;

/// <summary>The complaint moved up a tier (agent, supervisor, manager, crisis), with the reason.</summary>
public sealed record ComplaintEscalated(
    Guid ComplaintId,
    string FromTier,
    string ToTier,
    string Reason,
    string AssigneeId,
    DateTimeOffset EscalatedAt) : IComplaintEvent;

// Resolution: the agents' workflow.

/// <summary>The first answer reached the customer; it stops the first-response clock.</summary>
public sealed record FirstResponseSent(Guid ComplaintId, string AgentId, string Channel, string Message, DateTimeOffset SentAt) : IComplaintEvent;

/// <summary>An attempt to reach the customer, and whether it did.</summary>
public sealed record CustomerContacted(Guid ComplaintId, string AgentId, string Channel, bool Reached, string Note, DateTimeOffset ContactedAt) : IComplaintEvent;

public sealed record InvestigationFindingRecorded(Guid ComplaintId, string AgentId, string Finding, DateTimeOffset RecordedAt) : IComplaintEvent;

/// <summary>
/// A remedy offered: refund, repair, replacement, apology or value_added (extended warranty,
/// coupons). Above the proposer's limit it waits for <see cref="RequiresApprovalFrom"/>.
/// </summary>
public sealed record RemedyProposed(
    Guid ComplaintId,
    Guid RemedyId,
    string Kind,
    decimal Amount,
    string Currency,
    string Description,
    string ProposedBy,
    string ProposerRole,
    Guid? AlternativeTo,
    string RequiresApprovalFrom,
    DateTimeOffset ProposedAt) : IComplaintEvent;

public sealed record RemedyApproved(Guid ComplaintId, Guid RemedyId, string ApprovedBy, string ApproverRole, string Reason, DateTimeOffset DecidedAt) : IComplaintEvent;

public sealed record RemedyRefused(Guid ComplaintId, Guid RemedyId, string RefusedBy, string ApproverRole, string Reason, DateTimeOffset DecidedAt) : IComplaintEvent;

public sealed record RemedyAccepted(Guid ComplaintId, Guid RemedyId, string RecordedBy, string Channel, DateTimeOffset AcceptedAt) : IComplaintEvent;

/// <summary>The customer said no; routing escalates one tier.</summary>
public sealed record RemedyRejected(Guid ComplaintId, Guid RemedyId, string PreferredRemedy, string RecordedBy, DateTimeOffset RejectedAt) : IComplaintEvent;

public sealed record ComplaintResolved(Guid ComplaintId, Guid RemedyId, string ResolvedBy, DateTimeOffset ResolvedAt) : IComplaintEvent;

/// <summary>The written confirmation of what was agreed, when, by whom and through which channel it was sent.</summary>
public sealed record ResolutionConfirmed(Guid ComplaintId, string WhatWasAgreed, string ConfirmedBy, string Channel, DateTimeOffset SentAt) : IComplaintEvent;

public sealed record ProgressUpdateSent(Guid ComplaintId, string AgentId, string Channel, string Message, DateTimeOffset SentAt) : IComplaintEvent;

/// <summary>A complex case went a whole update interval without news for the customer.</summary>
public sealed record ProgressUpdateMissed(Guid ComplaintId, DateTimeOffset LastUpdateAt, DateTimeOffset DueAt, DateTimeOffset DetectedAt) : IComplaintEvent;

/// <summary>A supervisor let a message with forbidden wording through, and why.</summary>
public sealed record WordingOverridden(Guid ComplaintId, string Phrase, string SupervisorId, string Reason, DateTimeOffset OverriddenAt) : IComplaintEvent;

// Follow-up: call-backs, surveys, closure, root cause.

public sealed record CallbackScheduled(Guid ComplaintId, DateTimeOffset DueAt, DateTimeOffset ScheduledAt) : IComplaintEvent;

/// <summary>The call-back's day came: an agent calls the customer to ask whether they are satisfied.</summary>
public sealed record CallbackDue(Guid ComplaintId, DateTimeOffset DueAt, DateTimeOffset DetectedAt) : IComplaintEvent;

/// <summary>The satisfaction survey: timeliness, solution and attitude from 1 to 5, NPS from 0 to 10.</summary>
public sealed record SurveyRecorded(
    Guid ComplaintId, string AgentId, int Timeliness, int Solution, int Attitude, int Nps, string Comment, bool Satisfied, DateTimeOffset RecordedAt) : IComplaintEvent;

/// <summary>A satisfaction call-back in which the customer could not be reached (no answer, wrong number, declined to talk).</summary>
public sealed record CallbackUnanswered(Guid ComplaintId, string AgentId, string Channel, int Attempt, DateTimeOffset AttemptedAt) : IComplaintEvent;

/// <summary>
/// The complaint is closed for good: the customer satisfied at follow-up or, with
/// <paramref name="WithoutFeedback"/>, not reachable after the configured call-back attempts
/// (counted apart in KPIs; events written before the flag existed read as false).
/// </summary>
public sealed record ComplaintClosed(Guid ComplaintId, DateTimeOffset ClosedAt, bool WithoutFeedback = false) : IComplaintEvent;

/// <summary>The customer is not satisfied after follow-up: the case reopens and routing escalates it to a dedicated owner.</summary>
public sealed record ComplaintReopened(Guid ComplaintId, string Reason, DateTimeOffset ReopenedAt) : IComplaintEvent;

/// <summary>Same customer, same subject, after the first complaint was closed: a second complaint.</summary>
public sealed record SecondComplaintLinked(Guid ComplaintId, Guid FirstComplaintId, DateTimeOffset LinkedAt) : IComplaintEvent;

/// <summary>The 5-Why chain and the root cause it led to.</summary>
public sealed record RootCauseIdentified(Guid ComplaintId, IReadOnlyList<string> Whys, string RootCauseCategory, string AnalystId, DateTimeOffset IdentifiedAt) : IComplaintEvent;

/// <summary>The improvement action from this complaint's root-cause review was carried out; later complaints verify it.</summary>
/// <summary>
/// Staff wrote the case up for the library. Both texts were screened for personal data and are
/// still sealed under the customer's key, so erasing the customer erases them from history too.
/// </summary>
public sealed record CaseSummaryWritten(Guid ComplaintId, string MaskedDescription, string HandlingSummary, string WrittenBy, DateTimeOffset WrittenAt) : IComplaintEvent;

public sealed record ImprovementActionCompleted(Guid ComplaintId, Guid ActionId, string Outcome, string CompletedBy, DateTimeOffset CompletedAt) : IComplaintEvent;

public sealed record ImprovementActionOpened(Guid ComplaintId, Guid ActionId, string Description, string Owner, DateOnly DueDate, DateTimeOffset OpenedAt) : IComplaintEvent;

/// <summary>A later complaint linked to an improvement action, to verify whether the action worked.</summary>
public sealed record LinkedToImprovementAction(Guid ComplaintId, Guid ActionId, DateTimeOffset LinkedAt) : IComplaintEvent;

/// <summary>
/// A privacy officer erased the customer's personal data (the right to be forgotten): the data key
/// was destroyed, so every sealed value of this complaint now reads as erased. The history stays whole.
/// </summary>
public sealed record CustomerDataErased(Guid ComplaintId, Guid CustomerKeyId, string ErasedBy, string Reason, DateTimeOffset ErasedAt) : IComplaintEvent;

/// <summary>
/// An agent's message promised the customer something by a concrete time ("2小时内给您书面答复", "I will
/// call you back within 10 minutes"). Kept by news reaching the customer before <see cref="DueBy"/>
/// (a contact, a progress update, the resolution); routing's SLA sweeper escalates a broken one.
/// </summary>
/// <summary>
/// A regulator's clock on the complaint was extended once, as its rule allows, approved by a
/// supervisor or manager (the token's subject and role); <see cref="Reason"/> is one of a closed set
/// (investigation_ongoing, awaiting_third_party, awaiting_customer), never free text.
/// </summary>
public sealed record RegulatoryClockExtended(
    Guid ComplaintId,
    string Clock,
    DateTimeOffset PreviousDue,
    DateTimeOffset NewDue,
    string Reason,
    string ApprovedBy,
    string Role,
    DateTimeOffset ExtendedAt) : IComplaintEvent;

/// <summary>
/// The resolution date promised to the customer moved later (the case turned out complex...). A promise
/// never moves silently: resolution sends the customer a notice with the new date (<see cref="CustomerNotified"/>).
/// </summary>
public sealed record ResolutionDueChanged(Guid ComplaintId, DateTimeOffset? PromisedBefore, DateTimeOffset NewDue, string Reason, DateTimeOffset ChangedAt) : IComplaintEvent;

/// <summary>
/// The platform sent the customer a notice (sealed with the customer's key) through a written
/// channel, about the stream event at <see cref="AboutVersion"/> (a new resolution date...).
/// </summary>
public sealed record CustomerNotified(Guid ComplaintId, string Channel, string Message, string Purpose, long AboutVersion, DateTimeOffset SentAt) : IComplaintEvent;

/// <summary>
/// A notice about this complaint (the event at <see cref="AboutVersion"/>: acknowledged, first
/// response, new date...) reached the channel system that filed it: its webhook answered 2xx.
/// </summary>
public sealed record NoticeDelivered(Guid ComplaintId, Guid NoticeId, string Notice, long AboutVersion, string ChannelClient, int Attempts, DateTimeOffset DeliveredAt) : IComplaintEvent;

/// <summary>
/// The channel system's webhook refused or did not answer a notice for the whole retry window; the
/// notice waits for an operator to send it again (docs/operations.md). <see cref="LastError"/> is an
/// HTTP status or a network error's kind, never the notice's text.
/// </summary>
public sealed record NoticeDeliveryFailed(Guid ComplaintId, Guid NoticeId, string Notice, long AboutVersion, string ChannelClient, int Attempts, string LastError, DateTimeOffset GaveUpAt) : IComplaintEvent;

/// <summary>
/// An agent handed part of the work to another department (technical, logistics, quality, legal,
/// finance...), whose named contact owes an answer by <see cref="DueBy"/> (the department's
/// configured response time). The request is sealed with the customer's key.
/// </summary>
public sealed record DepartmentTaskOpened(Guid ComplaintId, Guid TaskId, string Department, string Contact, string Request, DateTimeOffset DueBy, string OpenedBy, DateTimeOffset OpenedAt) : IComplaintEvent;

/// <summary>The department answered the task (recorded by whoever received the answer). Sealed.</summary>
public sealed record DepartmentTaskAnswered(Guid ComplaintId, Guid TaskId, string Answer, string RecordedBy, DateTimeOffset AnsweredAt) : IComplaintEvent;

/// <summary>
/// The department handed the task back without doing it, and why (no bouncing without a reason).
/// A complaint handed back twice goes to the team's supervisor.
/// </summary>
public sealed record DepartmentTaskHandedBack(Guid ComplaintId, Guid TaskId, string Reason, string RecordedBy, DateTimeOffset HandedBackAt) : IComplaintEvent;

public sealed record CommitmentMade(Guid ComplaintId, Guid CommitmentId, string Promise, DateTimeOffset DueBy, string MadeBy, DateTimeOffset MadeAt) : IComplaintEvent;

/// <summary>The aspects a <see cref="TriageChange"/> names.</summary>
public static class TriageAspects
{
    public const string Category = "category";
    public const string Kind = "kind";
    public const string Style = "style";
    public const string Emotion = "emotion";
    public const string Motive = "motive";
    public const string Nuisance = "nuisance";
    public const string Emergency = "emergency";
    public const string Priority = "priority";
}

/// <summary>Where a contact stands as a nuisance one: an agent suspects, a supervisor confirms or clears.</summary>
public static class NuisanceStates
{
    public const string None = "none";
    public const string Suspected = "suspected";
    public const string Confirmed = "confirmed";
}
