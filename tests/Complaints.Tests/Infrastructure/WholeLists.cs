using Complaints.Contracts.Resolution.V1;
using Complaints.Contracts.Routing.V1;

namespace Complaints.Tests.Infrastructure;

/// <summary>
/// Boards and queues come a page at a time; a test looking for its own case among everything the
/// shared platform holds reads every page (as a desk scrolling to the end would).
/// </summary>
public static class WholeLists
{
    public static async Task<GetTeamBoardResponse> GetWholeTeamBoardAsync(this Contracts.Routing.V1.Routing.RoutingClient client, GetTeamBoardRequest request)
    {
        var whole = await client.GetTeamBoardAsync(request);
        for (var token = whole.NextPageToken; token.Length > 0;)
        {
            var next = await client.GetTeamBoardAsync(new GetTeamBoardRequest(request) { PageToken = token });
            whole.Cases.AddRange(next.Cases);
            token = next.NextPageToken;
        }
        whole.NextPageToken = "";
        return whole;
    }

    public static async Task<ListAgentCasesResponse> ListAllAgentCasesAsync(this Contracts.Routing.V1.Routing.RoutingClient client, ListAgentCasesRequest request)
    {
        var whole = await client.ListAgentCasesAsync(request);
        for (var token = whole.NextPageToken; token.Length > 0;)
        {
            var next = await client.ListAgentCasesAsync(new ListAgentCasesRequest(request) { PageToken = token });
            whole.Cases.AddRange(next.Cases);
            token = next.NextPageToken;
        }
        whole.NextPageToken = "";
        return whole;
    }

    public static async Task<ListQueueResponse> ListWholeQueueAsync(this Contracts.Resolution.V1.Resolution.ResolutionClient client, ListQueueRequest request)
    {
        var whole = await client.ListQueueAsync(request);
        for (var token = whole.NextPageToken; token.Length > 0;)
        {
            var next = await client.ListQueueAsync(new ListQueueRequest(request) { PageToken = token });
            whole.Entries.AddRange(next.Entries);
            token = next.NextPageToken;
        }
        whole.NextPageToken = "";
        return whole;
    }
}
