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
        lockTeam.Parameters.AddWithValue("key", Key(team));
        await lockTeam.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Several teams' locks in one round trip, always in the same (ordinal) order, so two batches
    /// that need the same teams queue behind each other instead of deadlocking.
    /// </summary>
    public static async Task AcquireAsync(IDocumentSession session, IEnumerable<string> teams, CancellationToken cancellationToken)
    {
        await using var locks = new NpgsqlBatch(session.Connection);
        foreach (var team in teams.Distinct().Order(StringComparer.Ordinal))
        {
            var lockTeam = new NpgsqlBatchCommand("select pg_advisory_xact_lock(hashtext($1))");
            lockTeam.Parameters.Add(new NpgsqlParameter { Value = Key(team) });
            locks.BatchCommands.Add(lockTeam);
        }
        if (locks.BatchCommands.Count > 0) await locks.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Key(string team) => "complaints.routing.team:" + team;
}
