using Complaints.Contracts.Events;
using Complaints.Contracts.Resolution.V1;
using Complaints.Resolution.Cases;
using Complaints.Resolution.Wording;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Resolution.ProgressUpdates;

/// <summary>News for the customer on a case still open (after the wording check); it restarts the update clock.</summary>
public sealed class SendProgressUpdateHandler(CaseStream cases, WordingPolicy wording)
{
    public async Task<SendProgressUpdateResponse> HandleAsync(SendProgressUpdateRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("message", request.Message, Text.MaxMessageLength), ("channel", request.Channel, 50));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion,
            (state, now) => Decide(state, request, caller, wording, now), cancellationToken);
        return new SendProgressUpdateResponse { Version = version, Advisories = { WordingAdvisor.Advise(request.Message, firstResponse: false) } };
    }

    /// <summary>News on a workable case, its wording checked; a concrete time promised becomes a commitment.</summary>
    public static IReadOnlyList<object> Decide(CaseState state, SendProgressUpdateRequest request, Caller caller, WordingPolicy wording, DateTimeOffset now)
    {
        CaseStream.RequireWorkable(state);
        var events = wording.Enforce(state.ComplaintId, "message", request.Message, request.Override, caller, now).ToList();
        events.Add(new ProgressUpdateSent(state.ComplaintId, caller.Subject, request.Channel, state.Seal(request.Message), now));
        events.AddRange(Promises.CommitmentIn(state.ComplaintId, request.Message, caller.Subject, now));
        return events;
    }
}
