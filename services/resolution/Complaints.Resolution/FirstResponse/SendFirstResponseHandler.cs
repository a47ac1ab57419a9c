using Complaints.Contracts.Events;
using Complaints.Contracts.Resolution.V1;
using Complaints.Resolution.Cases;
using Complaints.Resolution.Wording;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Resolution.FirstResponse;

/// <summary>Records the first answer to the customer (after the wording check); routing then stops the first-response clock.</summary>
public sealed class SendFirstResponseHandler(CaseStream cases, WordingPolicy wording, TimeProvider clock)
{
    public async Task<SendFirstResponseResponse> HandleAsync(SendFirstResponseRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("message", request.Message, Text.MaxMessageLength), ("channel", request.Channel, 50));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion, state =>
        {
            CaseStream.RequireWorkable(state);
            CaseStream.Require(!state.HasFirstResponse, "The first response was already sent; send further news with SendProgressUpdate");
            var now = clock.GetUtcNow();
            var events = wording.Enforce(state.ComplaintId, "message", request.Message, request.Override, caller, now).ToList();
            events.Add(new FirstResponseSent(state.ComplaintId, caller.Subject, request.Channel, state.Seal(request.Message), now));
            // A concrete time promised becomes a commitment the SLA sweeper holds the case to.
            if (Promises.Find(request.Message) is { } promise)
                events.Add(new CommitmentMade(state.ComplaintId, Guid.CreateVersion7(now), promise.AsWritten, Promises.DueBy(promise, now), caller.Subject, now));
            return events;
        }, cancellationToken);
        return new SendFirstResponseResponse { Version = version, Advisories = { WordingAdvisor.Advise(request.Message, firstResponse: true) } };
    }
}
