using Complaints.Contracts.Events;
using Complaints.Contracts.Routing.V1;
using Complaints.Domain.ComplaintStream;
using Complaints.Routing.Assignment;
using Complaints.Routing.SlaClock;
using Complaints.Routing.Triage;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Complaints.Domain.ServiceLevels;
using Complaints.Domain.Rules;
using Complaints.ServiceDefaults.ComplaintStreams;
using TriageChange = Complaints.Contracts.Events.TriageChange;

namespace Complaints.Routing.CorrectTriage;

/// <summary>What a correction corrected: the events, the agents' loads it changed, and what the caller is told.</summary>
public sealed record CorrectedTriage(IReadOnlyList<object> Events, IReadOnlyList<AgentWorkload> Loads, IReadOnlyList<TriageChange> Changes, bool Rerouted, string Priority);

/// <summary>
/// Records a person's correction of triage (<see cref="TriageCorrected"/>) and, when the corrected
/// category or emergency makes another team the owner, re-routes the open case there by the one
/// assignment rule (<see cref="CaseAssignment"/>): routed, assigned to the least-loaded agent (the
/// crisis team's, at crisis tier, for an emergency), the old agent's load released. All in one
/// transaction at the stream's version, through the one writer.
/// </summary>
public sealed class CorrectTriageHandler(
    ComplaintWriter writer,
    TeamDirectory teams,
    TriageRuleSet rules,
    SlaPolicy sla,
    StaffText staffText)
{
    public async Task<CorrectTriageResponse> HandleAsync(CorrectTriageRequest request, Caller caller, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(request.ComplaintId, out var complaintId))
            new FieldViolations().Add("complaint_id", "is not a complaint id").ThrowIfAny();
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

        OpenCase? openCase = null;
        Dictionary<string, AgentWorkload> loads = [];
        CorrectedTriage? corrected = null;
        ComplaintLife? read = null;
        await writer.ExecuteAsync(complaintId, new Actor(caller.Subject, caller.Role),
            async (life, session, token) =>
            {
                read = life;
                openCase = await session.LoadAsync<OpenCase>(complaintId, token);
                MayCorrect(life, openCase, caller);
                // The team that will own it decides whose loads to lock and read: the same pure rules as the decision's.
                var outcome = Outcome(life, TriageCorrection.Decide(life, command, caller.Role, categories));
                loads = [];
                if (openCase is { Open: true })
                {
                    var (owner, _) = teams.ForCategory(outcome.Category, outcome.Emergency);
                    if (owner.Name != openCase.Team) loads = await CaseAssignment.LockAndLoadAsync(session, owner, openCase, token);
                    else if (openCase.LoadedAgentId is { } agentId && outcome.Hostile != openCase.Hostile)
                        loads = await CaseAssignment.LockAndLoadAsync(session, teams[openCase.Team], openCase, token);
                }
                return await staffText.SealAsync(life.CustomerKeyId, command.Reason, token);
            },
            (life, sealedReason, now) => (corrected = Decide(life, openCase, command, caller, sealedReason, categories, teams, sla, loads, now)).Events,
            new WriteOptions
            {
                AlsoStore = (session, _, _) =>
                {
                    if (openCase is { Open: true }) session.Store(openCase);
                    foreach (var load in corrected!.Loads) session.Store(load);
                },
            }, cancellationToken);

        return new CorrectTriageResponse
        {
            Changes = { corrected!.Changes.Select(c => new Contracts.Routing.V1.TriageChange { Aspect = c.Aspect, From = c.From, To = c.To }) },
            Team = openCase?.Team ?? read!.Team,
            AssigneeId = openCase?.AssigneeId ?? read!.Owner ?? "",
            Tier = openCase?.Tier ?? read!.Tier,
            Priority = corrected.Priority,
            Rerouted = corrected.Rerouted,
        };
    }

    /// <summary>Who may correct, checked before anything is sealed: an agent their own cases, a supervisor their team's.</summary>
    private static void MayCorrect(ComplaintLife life, OpenCase? openCase, Caller caller)
    {
        var team = openCase?.Team ?? life.Team;
        caller.Require(!caller.Is(Roles.Agent) || openCase?.AssigneeId == caller.Subject, "an agent corrects only the cases assigned to them");
        caller.Require(!caller.Is(Roles.Supervisor) || team == caller.Team, $"a supervisor corrects the cases of their own team; this one is {team}'s");
    }

    /// <summary>The triage the corrections leave: category, flags, priority, emotion, nuisance, and whether the customer counts as hostile.</summary>
    private sealed record TriageOutcome(string Category, string[] Flags, string Priority, string Emotion, bool Nuisance, bool Hostile)
    {
        public bool Emergency => Flags.Length > 0;
    }

    private static TriageOutcome Outcome(ComplaintLife life, IReadOnlyList<TriageChange> changes)
    {
        string Corrected(string aspect, string current) => changes.FirstOrDefault(c => c.Aspect == aspect)?.To ?? current;
        var emotion = Corrected(TriageAspects.Emotion, life.Emotion);
        var nuisance = Corrected(TriageAspects.Nuisance, life.Nuisance ? NuisanceStates.Suspected : NuisanceStates.None) != NuisanceStates.None;
        return new TriageOutcome(
            Corrected(TriageAspects.Category, life.Category),
            Corrected(TriageAspects.Emergency, string.Join(",", life.EmergencyFlags)).Split(',', StringSplitOptions.RemoveEmptyEntries),
            Corrected(TriageAspects.Priority, life.Priority),
            emotion,
            nuisance,
            !nuisance && emotion is Emotions.Angry or Emotions.OutOfControl);
    }

    /// <summary>
    /// The correction (<see cref="TriageCorrection"/>), and, on an open case, routing's view updated
    /// in memory: re-routed to the team the corrected triage makes the owner, or the owner's hostile
    /// count adjusted; the regulators' clocks follow the corrected category. <paramref name="loads"/>
    /// are the loads read under the owning team's lock.
    /// </summary>
    public static CorrectedTriage Decide(ComplaintLife life, OpenCase? openCase, CorrectTriageCommand command, Caller caller, string sealedReason,
        IReadOnlySet<string> categories, TeamDirectory teams, SlaPolicy sla, Dictionary<string, AgentWorkload> loads, DateTimeOffset now)
    {
        MayCorrect(life, openCase, caller);
        var changes = TriageCorrection.Decide(life, command, caller.Role, categories);
        var outcome = Outcome(life, changes);
        var events = new List<object> { new TriageCorrected(life.Id, changes, sealedReason, caller.Subject, caller.Role, now) };
        var changedLoads = new List<AgentWorkload>();
        var rerouted = false;
        if (openCase is { Open: true })
        {
            var (owner, routeRule) = teams.ForCategory(outcome.Category, outcome.Emergency);
            if (owner.Name != openCase.Team)
            {
                // A declared emergency runs on the emergency clock from now, never later than the promise already made.
                if (outcome.Emergency && life.Priority != Priorities.Emergency)
                {
                    var urgent = sla.For(Priorities.Emergency, life.Complex, now);
                    openCase.FirstResponseDue = openCase.FirstResponded ? openCase.FirstResponseDue : Earliest(openCase.FirstResponseDue, urgent.FirstResponseDue);
                    openCase.ResolutionDue = Earliest(openCase.ResolutionDue, urgent.ResolutionDue);
                }
                var assignee = CaseAssignment.Pick(owner, outcome.Category, outcome.Hostile, outcome.Emergency, loads, teams, now);
                events.Add(new ComplaintRouted(life.Id, owner.Name, $"triage corrected: {routeRule}", now));
                events.AddRange(CaseAssignment.Events(life.Id, owner.Name, assignee, openCase.Tier, $"re-routed after a triage correction; {assignee.Reason}",
                    outcome.Emergency ? "emergency declared: " + string.Join(", ", outcome.Flags) : assignee.Reason,
                    openCase.FirstResponseDue, openCase.ResolutionDue, now));
                changedLoads.AddRange(CaseAssignment.Apply(openCase, owner.Name, assignee, outcome.Hostile, loads, teams, now, life.Version + events.Count));
                rerouted = true;
            }
            else if (openCase.LoadedAgentId is { } agentId && outcome.Hostile != openCase.Hostile && loads.TryGetValue(agentId, out var load))
            {
                // Same owner, but the case now counts (or no longer counts) toward their hostile cap.
                load.Hostile = Math.Max(0, load.Hostile + (outcome.Hostile ? 1 : -1));
                changedLoads.Add(load);
            }
            // The regulators' clocks follow the corrected category (product): a rule that now applies
            // runs from receipt; one that no longer applies stops.
            if (outcome.Category != openCase.Category)
                openCase.RegulatoryClocks = RegulatoryDeadlines.For(sla, outcome.Category, life.Complex, life.FiledAt, openCase.RegulatoryClocks);
            openCase.Category = outcome.Category;
            openCase.Priority = outcome.Priority;
            openCase.Emotion = outcome.Emotion;
            openCase.Hostile = outcome.Hostile;
            openCase.Nuisance = outcome.Nuisance;
            openCase.NeedsReview = false;
            openCase.RecomputeNextDeadline();
        }
        return new CorrectedTriage(events, changedLoads, changes, rerouted, outcome.Priority);
    }

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
