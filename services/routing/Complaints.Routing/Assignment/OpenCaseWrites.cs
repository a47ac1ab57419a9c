using Complaints.Domain.ComplaintStream;
using Complaints.ServiceDefaults.ComplaintStreams;

namespace Complaints.Routing.Assignment;

/// <summary>What a routing decision on an open case wrote, and routing's view of the case after it (null when routing has none).</summary>
public sealed record CaseWritten(Written Written, OpenCase? Case);

public static class OpenCaseWrites
{
    /// <summary>
    /// Runs a routing decision on an open case through the one writer: routing's view of the case
    /// and its agent's load are read in the writer's session for each attempt, the decision returns
    /// the events and changes them in memory, and they are stored with the events.
    /// </summary>
    /// <param name="storeWithoutEvents">Whether a decision that appended nothing still changed the case (a promise found kept).</param>
    public static async Task<CaseWritten> ExecuteOnCaseAsync(this ComplaintWriter writer, Guid complaintId, Actor actor,
        Func<ComplaintLife, OpenCase, IDictionary<string, AgentWorkload>, DateTimeOffset, IReadOnlyList<object>> decide,
        MassTransit.ConsumeContext? reactingTo, CancellationToken cancellationToken, Func<bool>? storeWithoutEvents = null)
    {
        OpenCase? openCase = null;
        string? loadedBefore = null;
        Dictionary<string, AgentWorkload> loads = [];
        var written = await writer.ExecuteAsync(complaintId, actor,
            async (_, session, token) =>
            {
                openCase = await session.LoadAsync<OpenCase>(complaintId, token);
                loadedBefore = openCase?.LoadedAgentId;
                loads = openCase is null ? [] : await CaseAssignment.LoadsAsync(session, [openCase.LoadedAgentId], token);
                return openCase;
            },
            (life, read, now) => read is null ? [] : decide(life, read, loads, now),
            new WriteOptions
            {
                ReactingTo = reactingTo,
                AlsoStore = (session, _, _) =>
                {
                    session.Store(openCase!);
                    // Only a load the decision released: an untouched one stored again would only bump its version.
                    if (openCase!.LoadedAgentId != loadedBefore)
                        foreach (var load in loads.Values) session.Store(load);
                },
                StoreWithoutEvents = () => openCase is not null && storeWithoutEvents?.Invoke() == true,
            }, cancellationToken);
        return new CaseWritten(written, openCase);
    }
}
