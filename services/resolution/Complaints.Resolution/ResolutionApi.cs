using Complaints.Contracts.Resolution.V1;
using Complaints.Resolution.Contacts;
using Complaints.Resolution.FirstResponse;
using Complaints.Resolution.ProgressUpdates;
using Complaints.Resolution.Queue;
using Complaints.Resolution.Remedies;
using Complaints.Resolution.Wording;
using Grpc.Core;

namespace Complaints.Resolution;

/// <summary>The gRPC surface of resolution; each RPC hands over to its use-case slice.</summary>
public sealed class ResolutionApi(IServiceProvider services) : Contracts.Resolution.V1.Resolution.ResolutionBase
{
    private T Slice<T>() where T : notnull => services.GetRequiredService<T>();

    public override Task<ListQueueResponse> ListQueue(ListQueueRequest request, ServerCallContext context) =>
        Slice<ListQueueHandler>().HandleAsync(request, context.CancellationToken);

    public override Task<SendFirstResponseResponse> SendFirstResponse(SendFirstResponseRequest request, ServerCallContext context) =>
        Slice<SendFirstResponseHandler>().HandleAsync(request, context.CancellationToken);

    public override Task<RecordContactResponse> RecordContact(RecordContactRequest request, ServerCallContext context) =>
        Slice<RecordContactHandler>().HandleAsync(request, context.CancellationToken);

    public override Task<RecordFindingResponse> RecordFinding(RecordFindingRequest request, ServerCallContext context) =>
        Slice<RecordContactHandler>().HandleAsync(request, context.CancellationToken);

    public override Task<ProposeRemedyResponse> ProposeRemedy(ProposeRemedyRequest request, ServerCallContext context) =>
        Slice<RemedyHandlers>().ProposeAsync(request, context.CancellationToken);

    public override Task<DecideApprovalResponse> DecideApproval(DecideApprovalRequest request, ServerCallContext context) =>
        Slice<RemedyHandlers>().DecideAsync(request, context.CancellationToken);

    public override Task<RecordCustomerDecisionResponse> RecordCustomerDecision(RecordCustomerDecisionRequest request, ServerCallContext context) =>
        Slice<RemedyHandlers>().RecordDecisionAsync(request, context.CancellationToken);

    public override Task<SendProgressUpdateResponse> SendProgressUpdate(SendProgressUpdateRequest request, ServerCallContext context) =>
        Slice<SendProgressUpdateHandler>().HandleAsync(request, context.CancellationToken);

    public override Task<CheckWordingResponse> CheckWording(CheckWordingRequest request, ServerCallContext context) =>
        Task.FromResult(new CheckWordingResponse { Violations = { Slice<WordingPolicy>().Check(request.Message) } });
}
