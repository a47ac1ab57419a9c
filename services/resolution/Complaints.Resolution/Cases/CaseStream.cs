using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Marten;

namespace Complaints.Resolution.Cases;

/// <summary>
/// Loads a complaint for a workflow command and appends the command's events at the version it
/// was read at, so two agents editing at once cannot both win: the second is told to reload.
/// </summary>
public sealed class CaseStream(IDocumentSession session, PersonalDataProtector personalData)
{
    private async Task<CaseState> LoadAsync(string complaintId, Caller caller, long expectedVersion, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(complaintId, out var id)) violations.Add("complaint_id", "is not a complaint id (a UUID)");
        if (expectedVersion < 0) violations.Add("expected_version", "cannot be negative");
        violations.ThrowIfAny();

        var events = await session.Events.FetchStreamAsync(id, token: cancellationToken);
        var state = CaseState.From(id, events.Select(e => (e.Version, e.Data)))
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {id}"));
        RequireMayWork(state, caller);
        if (expectedVersion > 0 && expectedVersion != state.Version) throw Conflict(expectedVersion, state.Version);
        if (state.CustomerKeyId is { } keyId) state.Customer = await personalData.CipherAsync(keyId, cancellationToken);
        return state;
    }

    /// <summary>
    /// Who works a case: the agent (or supervisor, manager) it is assigned to, the supervisors of
    /// its team, managers and the committee. Everyone else is refused, saying why.
    /// </summary>
    public static void RequireMayWork(CaseState state, Caller caller)
    {
        var assignedToCaller = state.AssigneeId == caller.Subject;
        switch (caller.Role)
        {
            case Roles.Agent:
                caller.Require(assignedToCaller, $"an agent acts only on cases assigned to them; this one is assigned to {state.AssigneeId ?? "nobody yet"}");
                break;
            case Roles.Supervisor:
                caller.Require(assignedToCaller || (state.Team.Length > 0 && state.Team == caller.Team),
                    $"a supervisor acts on their own team's cases; this one belongs to {(state.Team.Length > 0 ? "team " + state.Team : "no team yet")}");
                break;
            case Roles.Manager or Roles.Committee:
                break;
            default:
                caller.Require(false, "this role does not work cases");
                break;
        }
    }

    /// <summary>
    /// Loads the complaint, lets <paramref name="decide"/> check the guards and choose the events,
    /// and appends them at the version read. When another writer got in between: a caller who
    /// gave <paramref name="expectedVersion"/> is told to reload (Aborted); otherwise the command
    /// is decided again on the fresh stream, guards included, a few times before giving up.
    /// </summary>
    public async Task<long> ExecuteAsync(
        string complaintId, Caller caller, long expectedVersion, Func<CaseState, IReadOnlyCollection<object>> decide, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var state = await LoadAsync(complaintId, caller, expectedVersion, cancellationToken);
            var events = decide(state);
            session.StampTraceContext();
            session.StampActor(caller.Subject, caller.Role);
            session.Events.Append(state.ComplaintId, state.Version + events.Count, events.ToArray());
            try
            {
                await session.SaveChangesAsync(cancellationToken);
                return state.Version + events.Count;
            }
            catch (Exception ex) when (ConcurrencyConflicts.Is(ex))
            {
                session.EjectAllPendingChanges();
                if (expectedVersion > 0 || attempt == 3) throw Conflict(state.Version, null);
            }
        }
    }

    public static void Require(bool condition, string message)
    {
        if (!condition) throw new RpcException(new Status(StatusCode.FailedPrecondition, message));
    }

    /// <summary>Guards every change to a case: it must have an owner and must not be resolved.</summary>
    public static void RequireWorkable(CaseState state)
    {
        Require(state.ClosedAt is null, $"The complaint was closed at {state.ClosedAt:u} after follow-up; a new complaint starts a new case");
        Require(state.AssigneeId is not null, "The complaint is not assigned yet; routing assigns it first");
        Require(state.ResolvedAt is null, $"The complaint was resolved at {state.ResolvedAt:u}; it must be reopened before more work is recorded");
    }

    private static RpcException Conflict(long readVersion, long? currentVersion) => new(new Status(StatusCode.Aborted,
        $"The complaint changed since it was read at version {readVersion}" +
        (currentVersion is { } current ? $" (it is at version {current} now)" : "") +
        "; reload it and retry: nothing was recorded"));
}
