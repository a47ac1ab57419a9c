using Marten;
using Npgsql;

namespace Complaints.Routing.Assignment;

/// <summary>
/// Assignments in one team are serialised so that least-load and the hostile cap hold under
/// concurrent deliveries and corrections; the lock ends with the session's transaction.
/// </summary>
public static class TeamLock
{
    public static async Task AcquireAsync(IDocumentSession session, string team, CancellationToken cancellationToken)
    {
        await using var lockTeam = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext(@key))", session.Connection);
        lockTeam.Parameters.AddWithValue("key", "complaints.routing.team:" + team);
        await lockTeam.ExecuteNonQueryAsync(cancellationToken);
    }
}
