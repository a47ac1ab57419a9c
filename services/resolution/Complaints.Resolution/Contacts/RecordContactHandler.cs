using Complaints.Contracts.Events;
using Complaints.Contracts.Resolution.V1;
using Complaints.Resolution.Cases;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Resolution.Contacts;

/// <summary>Contact attempts, notes and investigation findings: the case's working record.</summary>
public sealed class RecordContactHandler(CaseStream cases)
{
    public async Task<RecordContactResponse> HandleAsync(RecordContactRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("channel", request.Channel, 50), ("note", request.Note, Text.MaxMessageLength));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion,
            (state, now) => Decide(state, request, caller, now), cancellationToken);
        return new RecordContactResponse { Version = version };
    }

    public async Task<RecordFindingResponse> HandleAsync(RecordFindingRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("finding", request.Finding, Text.MaxMessageLength));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion,
            (state, now) => Decide(state, request, caller, now), cancellationToken);
        return new RecordFindingResponse { Version = version };
    }

    /// <summary>A contact attempt on a workable case, its note sealed.</summary>
    public static IReadOnlyList<object> Decide(CaseState state, RecordContactRequest request, Caller caller, DateTimeOffset now)
    {
        CaseStream.RequireWorkable(state);
        return [new CustomerContacted(state.ComplaintId, caller.Subject, request.Channel, request.Reached, state.Seal(request.Note), now)];
    }

    /// <summary>An investigation finding on a workable case, sealed.</summary>
    public static IReadOnlyList<object> Decide(CaseState state, RecordFindingRequest request, Caller caller, DateTimeOffset now)
    {
        CaseStream.RequireWorkable(state);
        return [new InvestigationFindingRecorded(state.ComplaintId, caller.Subject, state.Seal(request.Finding), now)];
    }
}
