using System.Net.Sockets;
using Npgsql;

namespace Complaints.ServiceDefaults;

/// <summary>
/// PostgreSQL, RabbitMQ or the network failing, as opposed to a bug or a bad request: what a caller
/// should retry (gRPC Unavailable) and what a consumer waits out instead of dead-lettering.
/// </summary>
public static class InfrastructureFailures
{
    public static bool Is(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                                                || pg.SqlState.StartsWith("53", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal):
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException and not PostgresException:
                case SocketException:
                case TimeoutException:
                case IOException:
                    return true;
            }
        }
        return false;
    }
}
