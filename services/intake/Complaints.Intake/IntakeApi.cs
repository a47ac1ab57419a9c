using Complaints.Contracts.Intake.V1;
using Complaints.Intake.CustomerHistory;
using Complaints.Intake.Erasure;
using Complaints.Intake.FileComplaint;
using Complaints.Intake.GetComplaint;
using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake;

/// <summary>
/// The gRPC surface of intake; each RPC names the roles that may call it (docs/security.md) and
/// hands over to its use-case slice with the caller the token proves.
/// </summary>
public sealed class IntakeApi(IServiceProvider services) : Contracts.Intake.V1.Intake.IntakeBase
{
    [Authorize(Roles = Roles.Channel)]
    public override Task<FileComplaintResponse> FileComplaint(FileComplaintRequest request, ServerCallContext context)
    {
        IdempotencyKeyHeader.Apply(request, context);
        return services.GetRequiredService<FileComplaintHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);
    }

    [Authorize(Roles = Roles.Channel + "," + Roles.Readers)]
    public override Task<GetComplaintResponse> GetComplaint(GetComplaintRequest request, ServerCallContext context) =>
        services.GetRequiredService<GetComplaintHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Readers)]
    public override Task<ListCustomerComplaintsResponse> ListCustomerComplaints(ListCustomerComplaintsRequest request, ServerCallContext context) =>
        services.GetRequiredService<ListCustomerComplaintsHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.PrivacyOfficer)]
    public override Task<EraseCustomerDataResponse> EraseCustomerData(EraseCustomerDataRequest request, ServerCallContext context) =>
        services.GetRequiredService<EraseCustomerDataHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);
}
