using Complaints.Contracts.Events;
using Complaints.Routing.Assignment;
using Complaints.Routing.SlaClock;
using Complaints.Routing.Triage;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.Domain.ServiceLevels;
using Complaints.Domain.ComplaintStream;
using Complaints.ServiceDefaults.ComplaintStreams;
using Marten;
using MassTransit;

namespace Complaints.Routing.RouteComplaint;

/// <summary>What routing a complaint decided: the events, routing's view of the new case, the agent's load it changed.</summary>
public sealed record Routed(IReadOnlyList<object> Events, OpenCase Case, IReadOnlyList<AgentWorkload> Loads);

/// <summary>
/// Takes newly filed complaints through triage, routing and assignment, appending
/// <see cref="ComplaintTriaged"/>, <see cref="ComplaintRouted"/>, <see cref="ComplaintAssigned"/>
/// (and <see cref="ComplaintEscalated"/> for emergencies or when every agent is at the hostile-case
/// cap) to each stream, and opening the SLA clock, through the one writer. Routing learns of new
/// complaints from the relay's notices (a complaint whose page holds <see cref="ComplaintFiled"/>),
/// taken in batches: the batch's streams are read in one round trip, its teams locked and their
/// agents' loads read once, and every complaint of it is routed in one transaction, one after the
/// other against the same loads. Each complaint's events are stamped as caused by its filing, in a
/// span of the filing's trace.
/// Idempotent: a redelivered notice finds its complaints routed in their streams and appends
/// nothing; two instances racing on a complaint race on its stream's expected version and the
/// loser, deciding again, finds it routed. A complaint whose decision fails does not hold back the
/// rest of its batch: the others are routed, then the batch fails and is retried (the routed ones
/// cost a look), and past its retries waits in the error queue for an operator.
/// </summary>
public sealed class RouteFiledComplaints(
    ComplaintWriter writer,
    TriageEngine triage,
    TeamDirectory teams,
    SlaPolicy sla,
    PersonalDataProtector personalData,
    ILogger<RouteFiledComplaints> logger) : IConsumer<Batch<ComplaintsChanged>>
{
    private static readonly Actor Router = Actor.System("routing.triage");

    /// <summary>What the batch's decisions share: each new complaint's filing and triage (or why it could not be triaged), the locked teams' agents' loads, and what was routed.</summary>
    private sealed class RoutingBatch
    {
        public Dictionary<Guid, (ComplaintFiled Filed, TriageResult Result)> Triaged { get; } = [];
        public Dictionary<Guid, Exception> Untriaged { get; } = [];
        public Dictionary<string, AgentWorkload> Loads { get; set; } = [];
        public Dictionary<Guid, Routed> Routed { get; } = [];
    }

    public async Task Consume(ConsumeContext<Batch<ComplaintsChanged>> notices)
    {
        var filed = notices.Message.LatestVersions(change => change.EventTypes.Contains(nameof(ComplaintFiled))).Keys;
        var failed = new Dictionary<Guid, Exception>();
        foreach (var chunk in filed.Chunk(ComplaintNotices.PerTransaction))
        {
            RoutingBatch batch = null!;
            var written = await writer.ExecuteManyAsync(chunk, Router,
                async (streams, session, token) => batch = await TriageLockAndLoadAsync(streams, session, token),
                (life, batch, now) => RouteOne(life, batch, now),
                history => history[0],
                (session, batch) =>
                {
                    foreach (var routed in batch.Routed.Values) session.Store(routed.Case);
                    foreach (var load in batch.Routed.Values.SelectMany(r => r.Loads).Distinct()) session.Store(load);
                },
                notices.CancellationToken);

            foreach (var (id, ex) in written.Failed) failed[id] = ex;
            foreach (var id in written.Written.Keys)
                if (batch.Routed.TryGetValue(id, out var routed))
                    logger.LogInformation("Complaint {ComplaintNumber}: {Category}/{Priority} -> {Team}, {Tier} {Assignee}",
                        routed.Case.ComplaintNumber, routed.Case.Category, routed.Case.Priority, routed.Case.Team, routed.Case.Tier, routed.Case.AssigneeId);
        }
        if (failed.Count > 0)
        {
            foreach (var (id, ex) in failed) logger.LogError(ex, "Complaint {ComplaintId} could not be routed; its notice will be retried", id);
            throw new AggregateException($"{failed.Count} complaint(s) of the batch could not be routed; the rest were", failed.Values);
        }
    }

    /// <summary>
    /// The batch's complaints not routed yet, triaged (their words revealed in memory only, their
    /// keys read in one round trip), then their teams locked (until the transaction ends) and those
    /// teams' agents' loads read. A routed complaint's stream holds ComplaintRouted (its team): a redelivery.
    /// </summary>
    private async Task<RoutingBatch> TriageLockAndLoadAsync(IReadOnlyList<StreamRead> streams, IDocumentSession session, CancellationToken token)
    {
        var batch = new RoutingBatch();
        var reads = session.CreateBatchQuery();
        var descriptions = new List<(ComplaintFiled Filed, Func<Task<string>> Description)>();
        foreach (var (life, history) in streams)
            if (life.Team.Length == 0 && history[0].Data is ComplaintFiled filed)
                descriptions.Add((filed, personalData.RevealAlongside(reads, filed.Description)));
        if (descriptions.Count == 0) return batch;
        await reads.Execute(token);

        foreach (var (filed, description) in descriptions)
        {
            try
            {
                batch.Triaged[filed.ComplaintId] = (filed, triage.Triage(filed with { Description = await description() }));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                batch.Untriaged[filed.ComplaintId] = ex;
            }
        }
        var lockedTeams = batch.Triaged.Values.Select(t => teams.ForCategory(t.Result.Category, t.Result.EmergencyFlags.Count > 0).Team).Distinct().ToList();
        if (lockedTeams.Count > 0) batch.Loads = await CaseAssignment.LockAndLoadAsync(session, lockedTeams, token);
        return batch;
    }

    private IReadOnlyList<object> RouteOne(ComplaintLife life, RoutingBatch batch, DateTimeOffset now)
    {
        if (batch.Untriaged.TryGetValue(life.Id, out var failure)) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        if (!batch.Triaged.TryGetValue(life.Id, out var triaged)) return [];
        var routed = Decide(life, triaged.Filed, triaged.Result, batch.Loads, teams, sla, now);
        batch.Routed[life.Id] = routed;
        return routed.Events;
    }

    /// <summary>
    /// Triaged, routed to the category's team (the crisis team for an emergency) and assigned by
    /// the one assignment rule, with the SLA deadlines and the regulators' clocks: the events, and
    /// routing's view of the case and the chosen agent's load, for the writer to store with them.
    /// </summary>
    public static Routed Decide(ComplaintLife life, ComplaintFiled filed, TriageResult result, IDictionary<string, AgentWorkload> loads,
        TeamDirectory teams, SlaPolicy sla, DateTimeOffset now)
    {
        var emergency = result.EmergencyFlags.Count > 0;
        var (team, routeRule) = teams.ForCategory(result.Category, emergency);
        var deadlines = Deadlines(sla, filed, result);
        var assignee = CaseAssignment.Pick(team, result.Category, result.Hostile, emergency, loads.AsReadOnly(), teams, now);

        var events = new List<object>
        {
            new ComplaintTriaged(filed.ComplaintId, result.Category, result.Kind, result.Style, result.Emotion,
                result.Expectations, result.EmergencyFlags, result.Priority, result.Complex, result.Decisions, now)
            {
                NeedsReview = result.ReviewReasons.Count > 0, ReviewReasons = result.ReviewReasons,
                Motive = result.Motive, Nuisance = result.Nuisance, Confidence = result.Confidence, Guidance = result.Guidance,
            },
            new ComplaintRouted(filed.ComplaintId, team.Name, routeRule, now),
        };
        var flags = string.Join(", ", result.EmergencyFlags);
        events.AddRange(CaseAssignment.Events(filed.ComplaintId, team.Name, assignee, Tiers.Agent,
            emergency ? $"emergency ({flags}); {assignee.Reason}" : assignee.Reason,
            emergency ? "emergency: " + flags : assignee.Reason,
            deadlines.FirstResponseDue, deadlines.ResolutionDue, now));

        // A promise never moves silently: a later date than the customer was promised at filing is
        // recorded, and resolution tells the customer.
        if (filed.ResolutionDue is { } promised && deadlines.ResolutionDue > promised)
            events.Add(new ResolutionDueChanged(filed.ComplaintId, promised, deadlines.ResolutionDue,
                result.Complex ? "the case needs investigation (complex)" : $"the {result.Priority} target", now));

        var openCase = new OpenCase
        {
            Id = filed.ComplaintId,
            ComplaintNumber = filed.ComplaintNumber,
            Priority = result.Priority,
            Category = result.Category,
            Emotion = result.Emotion,
            NeedsReview = result.ReviewReasons.Count > 0,
            Nuisance = result.Nuisance,
            FirstResponseDue = deadlines.FirstResponseDue,
            ResolutionDue = deadlines.ResolutionDue,
            // The regulator's clocks run from receipt, whatever the call center's own targets say.
            RegulatoryClocks = RegulatoryDeadlines.For(sla, result.Category, result.Complex, filed.FiledAt),
        };
        var changed = CaseAssignment.Apply(openCase, team.Name, assignee, result.Hostile, loads, teams, now, life.Version + events.Count);
        openCase.RecomputeNextDeadline();
        return new Routed(events, openCase, changed);
    }

    /// <summary>
    /// SLA deadlines from the triaged priority, never later than what intake promised the
    /// customer, except the resolution deadline of a complex case, which follows the complex target.
    /// </summary>
    private static SlaDeadlines Deadlines(SlaPolicy sla, ComplaintFiled filed, TriageResult result)
    {
        var computed = sla.For(result.Priority, result.Complex, filed.FiledAt);
        var firstResponse = Earliest(computed.FirstResponseDue, filed.FirstResponseDue);
        var resolution = result.Complex && result.Priority != Priorities.Emergency
            ? computed.ResolutionDue
            : Earliest(computed.ResolutionDue, filed.ResolutionDue);
        return new SlaDeadlines(firstResponse, resolution);
    }

    private static DateTimeOffset Earliest(DateTimeOffset computed, DateTimeOffset? promised) =>
        promised is { } p && p < computed ? p : computed;
}
