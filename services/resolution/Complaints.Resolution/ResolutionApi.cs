using Complaints.Contracts.Resolution.V1;
using Complaints.Resolution.Contacts;
using Complaints.Resolution.FirstResponse;
using Complaints.Resolution.ProgressUpdates;
using Complaints.Resolution.Queue;
using Complaints.Resolution.Remedies;
using Complaints.Resolution.Wording;
using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Resolution;

/// <summary>
/// The gRPC surface of resolution; each RPC names the roles that may call it (docs/security.md) and
/// hands over to its use-case slice with the caller the token proves.
/// </summary>
public sealed class ResolutionApi(IServiceProvider services) : Contracts.Resolution.V1.Resolution.ResolutionBase
{
    private T Slice<T>() where T : notnull => services.GetRequiredService<T>();

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<ListQueueResponse> ListQueue(ListQueueRequest request, ServerCallContext context) =>
        Slice<ListQueueHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<SendFirstResponseResponse> SendFirstResponse(SendFirstResponseRequest request, ServerCallContext context) =>
        Slice<SendFirstResponseHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<RecordContactResponse> RecordContact(RecordContactRequest request, ServerCallContext context) =>
        Slice<RecordContactHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<RecordFindingResponse> RecordFinding(RecordFindingRequest request, ServerCallContext context) =>
        Slice<RecordContactHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<ProposeRemedyResponse> ProposeRemedy(ProposeRemedyRequest request, ServerCallContext context) =>
        Slice<RemedyHandlers>().ProposeAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Approvers)]
    public override Task<ListPendingApprovalsResponse> ListPendingApprovals(ListPendingApprovalsRequest request, ServerCallContext context) =>
        Slice<Approvals.ListPendingApprovalsHandler>().HandleAsync(Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Approvers)]
    public override Task<DecideApprovalResponse> DecideApproval(DecideApprovalRequest request, ServerCallContext context) =>
        Slice<RemedyHandlers>().DecideAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<RecordCustomerDecisionResponse> RecordCustomerDecision(RecordCustomerDecisionRequest request, ServerCallContext context) =>
        Slice<RemedyHandlers>().RecordDecisionAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<SendProgressUpdateResponse> SendProgressUpdate(SendProgressUpdateRequest request, ServerCallContext context) =>
        Slice<SendProgressUpdateHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<HandToDepartmentResponse> HandToDepartment(HandToDepartmentRequest request, ServerCallContext context) =>
        Slice<Departments.DepartmentTaskHandlers>().HandAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<RecordDepartmentAnswerResponse> RecordDepartmentAnswer(RecordDepartmentAnswerRequest request, ServerCallContext context) =>
        Slice<Departments.DepartmentTaskHandlers>().AnswerAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<RecordDepartmentHandBackResponse> RecordDepartmentHandBack(RecordDepartmentHandBackRequest request, ServerCallContext context) =>
        Slice<Departments.DepartmentTaskHandlers>().HandBackAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers + "," + Roles.Analyst)]
    public override Task<CheckWordingResponse> CheckWording(CheckWordingRequest request, ServerCallContext context)
    {
        var response = new CheckWordingResponse
        {
            Violations = { Slice<WordingPolicy>().Check(request.Message) },
            Advisories = { WordingAdvisor.Advise(request.Message, request.FirstResponse) },
        };
        // The same rule the send applies, so what the agent sees is the commitment that will be recorded.
        if (Promises.Find(request.Message) is { } promise)
            response.Commitment = new PromisedCommitment
            {
                Promise = promise.AsWritten,
                DueBy = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Promises.DueBy(promise, Slice<TimeProvider>().GetUtcNow())),
            };
        return Task.FromResult(response);
    }
}
