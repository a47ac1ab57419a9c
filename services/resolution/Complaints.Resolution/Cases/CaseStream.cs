using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Complaints.Domain.Rules;
using Complaints.ServiceDefaults.ComplaintStreams;

namespace Complaints.Resolution.Cases;

/// <summary>
/// A workflow command's way to the one writer: the complaint id and version checked, the
/// customer's data key read so the decision seals what it records, and who may work the case
/// checked before the command's own guards. Two agents editing at once cannot both win: one who
/// named the version they read is told to reload.
/// </summary>
public sealed class CaseStream(ComplaintWriter writer, PersonalDataProtector personalData)
{
    /// <summary>Decides <paramref name="decide"/> on the case and appends its events; returns the new version.</summary>
    public async Task<long> ExecuteAsync(
        string complaintId, Caller caller, long expectedVersion, Func<CaseState, DateTimeOffset, IReadOnlyCollection<object>> decide, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(complaintId, out var id)) violations.Add("complaint_id", "is not a complaint id (a UUID)");
        if (expectedVersion < 0) violations.Add("expected_version", "cannot be negative");
        violations.ThrowIfAny();

        var written = await writer.ExecuteAsync(id, new Actor(caller.Subject, caller.Role),
            async (life, _, token) =>
            {
                // Who may work the case, before its version is compared or its customer's key is read.
                RequireMayWork(life, caller);
                return life.CustomerKeyId is { } keyId ? await personalData.CipherAsync(keyId, token) : null;
            },
            (life, customer, now) =>
            {
                var state = new CaseState(life)
                {
                    Sealer = text => customer?.Protect(PersonalField.Text, text)
                                     ?? throw new InvalidOperationException($"Complaint {life.Id} has no customer data key to seal with"),
                };
                RequireMayWork(state, caller);
                return [.. decide(state, now)];
            },
            new WriteOptions { ExpectedVersion = expectedVersion }, cancellationToken);
        return written.Version;
    }

    /// <summary>
    /// Who works a case: the agent (or supervisor, manager) it is assigned to, the supervisors of
    /// its team, managers and the committee. Everyone else is refused, saying why.
    /// </summary>
    public static void RequireMayWork(CaseState state, Caller caller) => RequireMayWork(state.Life, caller);

    /// <inheritdoc cref="RequireMayWork(CaseState, Caller)"/>
    public static void RequireMayWork(Domain.ComplaintStream.ComplaintLife state, Caller caller)
    {
        var assignedToCaller = state.Owner == caller.Subject;
        switch (caller.Role)
        {
            case Roles.Agent:
                Allowed(caller, assignedToCaller, $"an agent acts only on cases assigned to them; this one is assigned to {state.Owner ?? "nobody yet"}");
                break;
            case Roles.Supervisor:
                Allowed(caller, assignedToCaller || (state.Team.Length > 0 && state.Team == caller.Team),
                    $"a supervisor acts on their own team's cases; this one belongs to {(state.Team.Length > 0 ? "team " + state.Team : "no team yet")}");
                break;
            case Roles.Manager or Roles.Committee:
                break;
            default:
                Allowed(caller, false, "this role does not work cases");
                break;
        }
    }

    public static void Require(bool condition, string message) => Rejection.Require(condition, message);

    private static void Allowed(Caller caller, bool allowed, string reason) => Rejection.RequireAllowed(allowed, $"{caller.Role} {caller.Subject}: {reason}");

    /// <summary>Guards every change to a case: it must have an owner and must not be resolved.</summary>
    public static void RequireWorkable(CaseState state)
    {
        Require(state.ClosedAt is null, $"The complaint was closed at {state.ClosedAt:u} after follow-up; a new complaint starts a new case");
        Require(state.AssigneeId is not null, "The complaint is not assigned yet; routing assigns it first");
        Require(state.ResolvedAt is null, $"The complaint was resolved at {state.ResolvedAt:u}; it must be reopened before more work is recorded");
    }
}
