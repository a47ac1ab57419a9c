using Complaints.Contracts.Events;
using Complaints.Routing.Assignment;
using Complaints.Routing.SlaClock;
using Complaints.Routing.Triage;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.ServiceLevels;
using Marten;
using MassTransit;
using Npgsql;

namespace Complaints.Routing.RouteComplaint;

/// <summary>
/// Takes a newly filed complaint through triage, routing and assignment, appending
/// <see cref="ComplaintTriaged"/>, <see cref="ComplaintRouted"/>, <see cref="ComplaintAssigned"/>
/// (and <see cref="ComplaintEscalated"/> for emergencies or when every agent is at the hostile-case
/// cap) to its stream, and opening the SLA clock.
/// Idempotent: a redelivered <see cref="ComplaintFiled"/> finds the complaint's open case and
/// appends nothing; concurrent duplicates race on the stream's expected version and the loser,
/// retried, finds it routed.
/// </summary>
public sealed class RouteFiledComplaint(
    IDocumentSession session,
    TriageEngine triage,
    TeamDirectory teams,
    SlaPolicy sla,
    PersonalDataProtector personalData,
    TimeProvider clock,
    ILogger<RouteFiledComplaint> logger) : IConsumer<ComplaintFiled>
{
    public async Task Consume(ConsumeContext<ComplaintFiled> context)
    {
        var filed = context.Message;
        var cancellationToken = context.CancellationToken;
        // The open case is written in the same transaction as ComplaintRouted: if it exists, this is a redelivery.
        if (await session.LoadAsync<OpenCase>(filed.ComplaintId, cancellationToken) is not null)
        {
            logger.LogInformation("Complaint {ComplaintId} is already routed; redelivery ignored", filed.ComplaintId);
            return;
        }

        var stream = await session.Events.FetchStreamStateAsync(filed.ComplaintId, cancellationToken)
                     ?? throw new InvalidOperationException($"Complaint {filed.ComplaintId} has no stream; refusing to route an unknown complaint");
        var now = clock.GetUtcNow();
        // Triage reads the customer's words, revealed here in memory only; nothing it stores repeats them.
        var result = triage.Triage(filed with { Description = await personalData.RevealAsync(filed.Description, cancellationToken) });
        var emergency = result.EmergencyFlags.Count > 0;
        var (team, routeRule) = teams.ForCategory(result.Category, emergency);
        var deadlines = Deadlines(filed, result);

        await session.BeginTransactionAsync(cancellationToken);
        await TeamLock.AcquireAsync(session, team.Name, cancellationToken);
        var loads = (await session.LoadManyAsync<AgentWorkload>(cancellationToken, team.Agents.Select(a => a.Id)))
            .ToDictionary(l => l.Id);
        var shift = teams.ShiftStart(now);
        var choice = AgentPicker.Pick(team, result.Category, result.Hostile, loads, teams.HostileCasesPerAgent, teams.HostileCasesPerShift, shift);

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
        var tier = choice.Tier;
        var assignee = choice.AssigneeId;
        string? loadedAgent = choice.Tier == Tiers.Agent ? choice.AssigneeId : null;
        if (emergency)
        {
            // The brief: emergencies start an emergency response at once. The crisis team's agent
            // works the case at crisis tier.
            tier = Tiers.Crisis;
            events.Add(new ComplaintAssigned(filed.ComplaintId, team.Name, assignee, tier, $"emergency ({string.Join(", ", result.EmergencyFlags)}); {choice.Reason}",
                deadlines.FirstResponseDue, deadlines.ResolutionDue, now));
            events.Add(new ComplaintEscalated(filed.ComplaintId, Tiers.Agent, Tiers.Crisis,
                "emergency: " + string.Join(", ", result.EmergencyFlags), assignee, now));
        }
        else
        {
            events.Add(new ComplaintAssigned(filed.ComplaintId, team.Name, assignee, tier, choice.Reason,
                deadlines.FirstResponseDue, deadlines.ResolutionDue, now));
            if (tier == Tiers.Supervisor)
                events.Add(new ComplaintEscalated(filed.ComplaintId, Tiers.Agent, Tiers.Supervisor, choice.Reason, assignee, now));
        }

        // A promise never moves silently: a later date than the customer was promised at filing is
        // recorded, and resolution tells the customer.
        if (filed.ResolutionDue is { } promised && deadlines.ResolutionDue > promised)
            events.Add(new ResolutionDueChanged(filed.ComplaintId, promised, deadlines.ResolutionDue,
                result.Complex ? "the case needs investigation (complex)" : $"the {result.Priority} target", now));

        if (loadedAgent is not null)
        {
            var load = loads.GetValueOrDefault(loadedAgent) ?? new AgentWorkload { Id = loadedAgent };
            load.Open++;
            if (result.Hostile) load.TakeHostile(shift);
            session.Store(load);
        }
        var openCase = new OpenCase
        {
            Id = filed.ComplaintId,
            ComplaintNumber = filed.ComplaintNumber,
            Team = team.Name,
            AssigneeId = assignee,
            LoadedAgentId = loadedAgent,
            Tier = tier,
            Priority = result.Priority,
            Category = result.Category,
            Emotion = result.Emotion,
            Hostile = result.Hostile,
            NeedsReview = result.ReviewReasons.Count > 0,
            Nuisance = result.Nuisance,
            AssignedAt = now,
            FirstResponseDue = deadlines.FirstResponseDue,
            ResolutionDue = deadlines.ResolutionDue,
            OpenStateVersion = stream.Version + events.Count,
            // The regulator's clocks run from receipt, whatever the call center's own targets say.
            RegulatoryClocks = RegulatoryDeadlines.For(sla, result.Category, result.Complex, filed.FiledAt),
        };
        openCase.RecomputeNextDeadline();
        session.Store(openCase);

        session.StampReaction(context);
        // At the version read: a concurrent delivery that got there first makes this fail, and
        // the retry finds the open case. Other services may have appended meanwhile (follow-up
        // links a second complaint), so the version is read, never assumed.
        session.StampActor("routing.triage", "system");
        session.Events.Append(filed.ComplaintId, stream.Version + events.Count, events.ToArray());
        await session.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Complaint {ComplaintNumber}: {Category}/{Priority} -> {Team}, {Tier} {Assignee}",
            filed.ComplaintNumber, result.Category, result.Priority, team.Name, tier, assignee);
    }

    /// <summary>
    /// SLA deadlines from the triaged priority, never later than what intake promised the
    /// customer, except the resolution deadline of a complex case, which follows the complex target.
    /// </summary>
    private SlaDeadlines Deadlines(ComplaintFiled filed, TriageResult result)
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
