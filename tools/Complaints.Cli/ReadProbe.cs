using System.Diagnostics;
using Complaints.Client;
using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.Contracts.Routing.V1;
using Google.Protobuf.WellKnownTypes;

namespace Complaints.Cli;

/// <summary>
/// <c>complaints read-probe</c>: times the reads people make all day, each as the role that makes
/// it, and prints the median and p90 in milliseconds: KPIs for the last day and the last 30 days
/// (with a daily series) and the last year by month, a customer's history, an agent's cases and queue, the team board, the
/// case library. Run at 10,000 and at 1,000,000 complaints (eng/scale-bench.sh) and compare.
/// </summary>
public sealed class ReadProbe(Func<string, ClientCredentials> identity, string intake, string routing, string resolution, string followup, int repeats, string customerId)
{
    public async Task<int> RunAsync()
    {
        using var manager = AuthenticatedChannel.Retrying(followup, identity("mgr-care"));
        using var agentRouting = AuthenticatedChannel.Retrying(routing, identity("care-01"));
        using var agentResolution = AuthenticatedChannel.Retrying(resolution, identity("care-01"));
        using var agentIntake = AuthenticatedChannel.Retrying(intake, identity("care-01"));
        using var agentFollowup = AuthenticatedChannel.Retrying(followup, identity("care-01"));
        using var supervisor = AuthenticatedChannel.Retrying(routing, identity("sup-care"));
        using var supervisorResolution = AuthenticatedChannel.Retrying(resolution, identity("sup-care"));
        var kpis = new Followup.FollowupClient(manager);
        var now = DateTimeOffset.UtcNow;
        Timestamp Ago(TimeSpan span) => Timestamp.FromDateTimeOffset(now - span);

        var probes = new (string Name, Func<Task> Call)[]
        {
            ("GetKpis, last day", () => kpis.GetKpisAsync(new GetKpisRequest { From = Ago(TimeSpan.FromDays(1)), To = Ago(TimeSpan.Zero) }).ResponseAsync),
            ("GetKpis, last 30 days by day", () => kpis.GetKpisAsync(new GetKpisRequest { From = Ago(TimeSpan.FromDays(30)), To = Ago(TimeSpan.Zero), GroupBy = KpiGrouping.Day }).ResponseAsync),
            ("GetKpis, last 365 days by month", () => kpis.GetKpisAsync(new GetKpisRequest { From = Ago(TimeSpan.FromDays(365)), To = Ago(TimeSpan.Zero), GroupBy = KpiGrouping.Month }).ResponseAsync),
            ("ListCustomerComplaints", () => new Complaints.Contracts.Intake.V1.Intake.IntakeClient(agentIntake).ListCustomerComplaintsAsync(new ListCustomerComplaintsRequest { CustomerId = customerId }).ResponseAsync),
            ("ListAgentCases (care-01)", () => new Contracts.Routing.V1.Routing.RoutingClient(agentRouting).ListAgentCasesAsync(new ListAgentCasesRequest()).ResponseAsync),
            ("ListQueue (care-01)", () => new Resolution.ResolutionClient(agentResolution).ListQueueAsync(new ListQueueRequest()).ResponseAsync),
            ("ListPendingApprovals (sup-care)", () => new Resolution.ResolutionClient(supervisorResolution).ListPendingApprovalsAsync(new ListPendingApprovalsRequest()).ResponseAsync),
            ("GetTeamBoard (customer-care)", () => new Contracts.Routing.V1.Routing.RoutingClient(supervisor).GetTeamBoardAsync(new GetTeamBoardRequest()).ResponseAsync),
            ("SearchCaseLibrary by text", () => new Followup.FollowupClient(agentFollowup).SearchCaseLibraryAsync(new SearchCaseLibraryRequest { SimilarToText = "包裹丢失 parcel lost" }).ResponseAsync),
        };
        foreach (var (name, call) in probes)
        {
            await call(); // warm: connection, token, JIT
            var times = new double[repeats];
            for (var i = 0; i < repeats; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await call();
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            Array.Sort(times);
            Console.WriteLine($"{name,-32} p50 {times[repeats / 2],8:0.0} ms   p90 {times[(int)(repeats * 0.9)],8:0.0} ms");
        }
        return 0;
    }
}
