using Complaints.Contracts.Events;
using Complaints.Contracts.Resolution.V1;
using Complaints.Resolution.Cases;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Resolution.Contacts;

/// <summary>Contact attempts, notes and investigation findings: the case's working record.</summary>
public sealed class RecordContactHandler(CaseStream cases, TimeProvider clock)
{
    public async Task<RecordContactResponse> HandleAsync(RecordContactRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("channel", request.Channel, 50), ("note", request.Note, Text.MaxMessageLength));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion, state =>
        {
            CaseStream.RequireWorkable(state);
            return [new CustomerContacted(state.ComplaintId, caller.Subject, request.Channel, request.Reached, state.Seal(request.Note), clock.GetUtcNow())];
        }, cancellationToken);
        return new RecordContactResponse { Version = version };
    }

    public async Task<RecordFindingResponse> HandleAsync(RecordFindingRequest request, Caller caller, CancellationToken cancellationToken)
    {
        Text.Require(("finding", request.Finding, Text.MaxMessageLength));
        var version = await cases.ExecuteAsync(request.ComplaintId, caller, request.ExpectedVersion, state =>
        {
            CaseStream.RequireWorkable(state);
            return [new InvestigationFindingRecorded(state.ComplaintId, caller.Subject, state.Seal(request.Finding), clock.GetUtcNow())];
        }, cancellationToken);
        return new RecordFindingResponse { Version = version };
    }
}
