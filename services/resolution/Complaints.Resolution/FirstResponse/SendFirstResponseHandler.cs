using Complaints.Contracts.Events;
using Complaints.Contracts.Resolution.V1;
using Complaints.Resolution.Cases;
using Complaints.Resolution.Wording;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Resolution.FirstResponse;

/// <summary>Records the first answer to the customer (after the wording check); routing then stops the first-response clock.</summary>
public sealed class SendFirstResponseHandler(CaseStream cases, WordingPolicy wording)
{
    public async Task<SendFirstResponseResponse> HandleAsync(SendFirstResponseRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("message", request.Message, Text.MaxMessageLength), ("channel", request.Channel, 50));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion,
            (state, now) => Decide(state, request, caller, wording, now), cancellationToken);
        return new SendFirstResponseResponse { Version = version, Advisories = { WordingAdvisor.Advise(request.Message, firstResponse: true) } };
    }

    /// <summary>
    /// The first answer, once, on a workable case, its wording checked (or overridden by a
    /// supervisor); a concrete time promised in it becomes a commitment the SLA sweeper holds the case to.
    /// </summary>
    public static IReadOnlyList<object> Decide(CaseState state, SendFirstResponseRequest request, Caller caller, WordingPolicy wording, DateTimeOffset now)
    {
        CaseStream.RequireWorkable(state);
        CaseStream.Require(!state.HasFirstResponse, "The first response was already sent; send further news with SendProgressUpdate");
        var events = wording.Enforce(state.ComplaintId, "message", request.Message, request.Override, caller, now).ToList();
        events.Add(new FirstResponseSent(state.ComplaintId, caller.Subject, request.Channel, state.Seal(request.Message), now));
        events.AddRange(Promises.CommitmentIn(state.ComplaintId, request.Message, caller.Subject, now));
        return events;
    }
}
