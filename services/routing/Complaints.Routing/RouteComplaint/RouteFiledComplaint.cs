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
/// Takes a newly filed complaint through triage, routing and assignment, appending
/// <see cref="ComplaintTriaged"/>, <see cref="ComplaintRouted"/>, <see cref="ComplaintAssigned"/>
/// (and <see cref="ComplaintEscalated"/> for emergencies or when every agent is at the hostile-case
/// cap) to its stream, and opening the SLA clock, through the one writer.
/// Idempotent: a redelivered <see cref="ComplaintFiled"/> finds the complaint routed in its stream
/// and appends nothing; concurrent duplicates race on the stream's expected version and the loser,
/// decided again, finds it routed.
/// </summary>
public sealed class RouteFiledComplaint(
    ComplaintWriter writer,
    TriageEngine triage,
    TeamDirectory teams,
    SlaPolicy sla,
    PersonalDataProtector personalData,
    ILogger<RouteFiledComplaint> logger) : IConsumer<ComplaintFiled>
{
    public async Task Consume(ConsumeContext<ComplaintFiled> context)
    {
        var filed = context.Message;
        Routed? routed = null;
        TriageResult? result = null;
        Dictionary<string, AgentWorkload> loads = [];
        Func<Task<string>>? description = null;
        await writer.ExecuteAsync(filed.ComplaintId, Actor.System("routing.triage"),
            async (life, session, token) =>
            {
                routed = null;
                // A routed complaint's stream holds ComplaintRouted (its team): this is a redelivery. Read
                // from the stream the writer has already loaded, not from the open case (one round trip
                // fewer, and it holds after the case is closed and no longer open).
                if (life.Team.Length > 0) return null;
                // Triage reads the customer's words, revealed here in memory only; nothing it stores repeats them.
                result ??= triage.Triage(filed with { Description = await description!() });
                var (team, _) = teams.ForCategory(result.Category, result.EmergencyFlags.Count > 0);
                loads = await CaseAssignment.LockAndLoadAsync(session, team, null, token);
                return result;
            },
            (life, triaged, now) => triaged is null ? [] : (routed = Decide(life, filed, triaged, loads, teams, sla, now)).Events,
            new WriteOptions
            {
                ReactingTo = context,
                // The customer's data key is read with the stream, in one round trip.
                ReadAlongside = reads => description = personalData.RevealAlongside(reads, filed.Description),
                AlsoStore = (session, _, _) =>
                {
                    session.Store(routed!.Case);
                    foreach (var load in routed.Loads) session.Store(load);
                },
            }, context.CancellationToken);

        if (routed is null)
            logger.LogInformation("Complaint {ComplaintId} is already routed; redelivery ignored", filed.ComplaintId);
        else
            logger.LogInformation("Complaint {ComplaintNumber}: {Category}/{Priority} -> {Team}, {Tier} {Assignee}",
                filed.ComplaintNumber, routed.Case.Category, routed.Case.Priority, routed.Case.Team, routed.Case.Tier, routed.Case.AssigneeId);
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
