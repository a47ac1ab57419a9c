using Complaints.Contracts.Events;
using Complaints.Contracts.Resolution.V1;
using Complaints.Resolution.Cases;

namespace Complaints.Resolution.Contacts;

/// <summary>Contact attempts, notes and investigation findings: the case's working record.</summary>
public sealed class RecordContactHandler(CaseStream cases, TimeProvider clock)
{
    public async Task<RecordContactResponse> HandleAsync(RecordContactRequest request, CancellationToken cancellationToken)
    {
        Text.Require(("channel", request.Channel, 50), ("note", request.Note, Text.MaxMessageLength));
        var state = await cases.LoadAsync(request.ComplaintId, request.Actor, request.ExpectedVersion, cancellationToken);
        CaseStream.RequireWorkable(state);
        var contacted = new CustomerContacted(state.ComplaintId, request.Actor.Id, request.Channel, request.Reached, request.Note, clock.GetUtcNow());
        return new RecordContactResponse { Version = await cases.AppendAsync(state, [contacted], cancellationToken) };
    }

    public async Task<RecordFindingResponse> HandleAsync(RecordFindingRequest request, CancellationToken cancellationToken)
    {
        Text.Require(("finding", request.Finding, Text.MaxMessageLength));
        var state = await cases.LoadAsync(request.ComplaintId, request.Actor, request.ExpectedVersion, cancellationToken);
        CaseStream.RequireWorkable(state);
        var finding = new InvestigationFindingRecorded(state.ComplaintId, request.Actor.Id, request.Finding, clock.GetUtcNow());
        return new RecordFindingResponse { Version = await cases.AppendAsync(state, [finding], cancellationToken) };
    }
}
