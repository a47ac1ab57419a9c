using Complaints.Contracts.Events;
using Complaints.Contracts.Routing.V1;
using Complaints.Contracts.Stream;
using Complaints.Routing.Assignment;
using Complaints.Routing.SlaClock;
using Complaints.Routing.Triage;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Complaints.ServiceDefaults.ServiceLevels;
using Grpc.Core;
using Marten;
using TriageChange = Complaints.Contracts.Events.TriageChange;

namespace Complaints.Routing.CorrectTriage;

/// <summary>
/// Records a person's correction of triage (<see cref="TriageCorrected"/>) and, when the corrected
/// category or emergency makes another team the owner, re-routes the open case there: routed, assigned
/// to the least-loaded agent (the crisis team's, at crisis tier, for an emergency), the old agent's load
/// released. All in one transaction at the stream's version, so a concurrent change fails and is retried
/// by the caller rather than lost.
/// </summary>
public sealed class CorrectTriageHandler(
    IDocumentSession session,
    TeamDirectory teams,
    TriageRuleSet rules,
    SlaPolicy sla,
    StaffText staffText,
    TimeProvider clock)
{
    public async Task<CorrectTriageResponse> HandleAsync(CorrectTriageRequest request, Caller caller, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(request.ComplaintId, out var complaintId))
            new FieldViolations().Add("complaint_id", "is not a complaint id").ThrowIfAny();
        var events = await session.Events.FetchStreamAsync(complaintId, token: cancellationToken);
        var life = ComplaintLife.Fold(complaintId, events.Select(e => (e.Version, e.Data)))
                   ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint {complaintId}"));
        var version = events[^1].Version;
        var openCase = await session.LoadAsync<OpenCase>(complaintId, cancellationToken);
        var team = openCase?.Team ?? life.Team;
        caller.Require(!caller.Is(Roles.Agent) || openCase?.AssigneeId == caller.Subject, "an agent corrects only the cases assigned to them");
        caller.Require(!caller.Is(Roles.Supervisor) || team == caller.Team, $"a supervisor corrects the cases of their own team; this one is {team}'s");

        var command = new CorrectTriageCommand(request.Category.Trim(), request.Kind.Trim(), request.Style.Trim(), request.Emotion.Trim(), request.Motive.Trim(),
            request.Nuisance switch
            {
                NuisanceCorrection.Suspected => NuisanceStates.Suspected,
                NuisanceCorrection.Confirmed => NuisanceStates.Confirmed,
                NuisanceCorrection.Cleared => NuisanceStates.None,
                _ => null,
            },
            request.AddEmergencyFlags.Select(f => f.Trim()).ToList(), request.ClearEmergency, request.Reason.Trim());
        var categories = teams.Teams.SelectMany(t => t.Categories).Append(rules.Defaults.Category).ToHashSet();
        var changes = TriageCorrection.Decide(life, command, caller.Role, categories);

        var now = clock.GetUtcNow();
        string Corrected(string aspect, string current) => changes.FirstOrDefault(c => c.Aspect == aspect)?.To ?? current;
        var category = Corrected(TriageAspects.Category, life.Category);
        var flags = Corrected(TriageAspects.Emergency, string.Join(",", life.EmergencyFlags)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var priority = Corrected(TriageAspects.Priority, life.Priority);
        var emotion = Corrected(TriageAspects.Emotion, life.Emotion);
        var nuisance = Corrected(TriageAspects.Nuisance, life.Nuisance ? NuisanceStates.Suspected : NuisanceStates.None) != NuisanceStates.None;
        var hostile = !nuisance && emotion is Emotions.Angry or Emotions.OutOfControl;

        var reason = await staffText.SealAsync(life.CustomerKeyId, command.Reason, cancellationToken);
        var appended = new List<object> { new TriageCorrected(complaintId, changes, reason, caller.Subject, caller.Role, now) };
        var rerouted = false;
        await session.BeginTransactionAsync(cancellationToken);
        if (openCase is { Open: true })
        {
            var (owner, routeRule) = teams.ForCategory(category, flags.Length > 0);
            if (owner.Name != openCase.Team)
            {
                await TeamLock.AcquireAsync(session, owner.Name, cancellationToken);
                await Escalation.ReleaseAgentLoadAsync(session, openCase, cancellationToken);
                var loads = (await session.LoadManyAsync<AgentWorkload>(cancellationToken, owner.Agents.Select(a => a.Id))).ToDictionary(l => l.Id);
                var shift = teams.ShiftStart(now);
                var choice = AgentPicker.Pick(owner, category, hostile, loads, teams.HostileCasesPerAgent, teams.HostileCasesPerShift, shift);
                var emergency = flags.Length > 0;
                var tier = emergency ? Tiers.Crisis : choice.Tier;
                // A declared emergency runs on the emergency clock from now, never later than the promise already made.
                if (emergency && life.Priority != Priorities.Emergency)
                {
                    var urgent = sla.For(Priorities.Emergency, life.Complex, now);
                    openCase.FirstResponseDue = openCase.FirstResponded ? openCase.FirstResponseDue : Earliest(openCase.FirstResponseDue, urgent.FirstResponseDue);
                    openCase.ResolutionDue = Earliest(openCase.ResolutionDue, urgent.ResolutionDue);
                }
                appended.Add(new ComplaintRouted(complaintId, owner.Name, $"triage corrected: {routeRule}", now));
                appended.Add(new ComplaintAssigned(complaintId, owner.Name, choice.AssigneeId, tier,
                    $"re-routed after a triage correction; {choice.Reason}", openCase.FirstResponseDue, openCase.ResolutionDue, now));
                if (tier != Tiers.Agent && tier != openCase.Tier)
                    appended.Add(new ComplaintEscalated(complaintId, openCase.Tier, tier,
                        emergency ? "emergency declared: " + string.Join(", ", flags) : choice.Reason, choice.AssigneeId, now));
                if (tier == Tiers.Agent)
                {
                    var load = loads.GetValueOrDefault(choice.AssigneeId) ?? new AgentWorkload { Id = choice.AssigneeId };
                    load.Open++;
                    if (hostile) load.TakeHostile(shift);
                    session.Store(load);
                    openCase.LoadedAgentId = choice.AssigneeId;
                }
                openCase.Team = owner.Name;
                openCase.AssigneeId = choice.AssigneeId;
                openCase.Tier = tier;
                openCase.AssignedAt = now;
                openCase.OpenStateVersion = version + appended.Count;
                rerouted = true;
            }
            else if (openCase.LoadedAgentId is { } agentId && hostile != openCase.Hostile)
            {
                // Same owner, but the case now counts (or no longer counts) toward their hostile cap.
                await TeamLock.AcquireAsync(session, openCase.Team, cancellationToken);
                if (await session.LoadAsync<AgentWorkload>(agentId, cancellationToken) is { } load)
                {
                    load.Hostile = Math.Max(0, load.Hostile + (hostile ? 1 : -1));
                    session.Store(load);
                }
            }
            // The regulators' clocks follow the corrected category (product): a rule that now applies
            // runs from receipt; one that no longer applies stops.
            if (category != openCase.Category)
                openCase.RegulatoryClocks = RegulatoryDeadlines.For(sla, category, life.Complex, life.FiledAt, openCase.RegulatoryClocks);
            openCase.Category = category;
            openCase.Priority = priority;
            openCase.Emotion = emotion;
            openCase.Hostile = hostile;
            openCase.Nuisance = nuisance;
            openCase.NeedsReview = false;
            openCase.RecomputeNextDeadline();
            session.Store(openCase);
        }

        session.StampTraceContext();
        session.StampActor(caller.Subject, caller.Role);
        session.Events.Append(complaintId, version + appended.Count, appended.ToArray());
        await session.SaveChangesAsync(cancellationToken);

        return new CorrectTriageResponse
        {
            Changes = { changes.Select(c => new Contracts.Routing.V1.TriageChange { Aspect = c.Aspect, From = c.From, To = c.To }) },
            Team = openCase?.Team ?? life.Team,
            AssigneeId = openCase?.AssigneeId ?? life.Owner ?? "",
            Tier = openCase?.Tier ?? life.Tier,
            Priority = priority,
            Rerouted = rerouted,
        };
    }

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
