using Complaints.Contracts.Audit.V1;
using Complaints.Intake.Audit;
using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake;

/// <summary>The audit API (docs/audit.md): auditors only.</summary>
[Authorize(Roles = Roles.Auditor)]
public sealed class AuditApi(IServiceProvider services) : Contracts.Audit.V1.Audit.AuditBase
{
    public override Task<GetComplaintHistoryResponse> GetComplaintHistory(GetComplaintHistoryRequest request, ServerCallContext context) =>
        services.GetRequiredService<ComplaintHistoryHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    public override Task ExportComplaints(ExportComplaintsRequest request, IServerStreamWriter<ExportComplaintsResponse> responseStream, ServerCallContext context) =>
        services.GetRequiredService<ExportComplaintsHandler>().HandleAsync(request, responseStream, Caller.Of(context), context.CancellationToken);

    public override Task<VerifyComplaintsResponse> VerifyComplaints(VerifyComplaintsRequest request, ServerCallContext context) =>
        services.GetRequiredService<VerifyComplaintsHandler>().HandleAsync(request, context.CancellationToken);

    public override Task<ListPersonalDataReadsResponse> ListPersonalDataReads(ListPersonalDataReadsRequest request, ServerCallContext context) =>
        services.GetRequiredService<PersonalDataReadsHandler>().HandleAsync(request, context.CancellationToken);
}
