using Complaints.Contracts.Intake.V1;
using Complaints.Intake.CustomerHistory;
using Complaints.Intake.FileComplaint;
using Complaints.Intake.GetComplaint;
using Grpc.Core;

namespace Complaints.Intake;

/// <summary>The gRPC surface of intake; each RPC hands over to its use-case slice.</summary>
public sealed class IntakeApi(IServiceProvider services) : Contracts.Intake.V1.Intake.IntakeBase
{
    public override Task<FileComplaintResponse> FileComplaint(FileComplaintRequest request, ServerCallContext context) =>
        services.GetRequiredService<FileComplaintHandler>().HandleAsync(request, context.CancellationToken);

    public override Task<GetComplaintResponse> GetComplaint(GetComplaintRequest request, ServerCallContext context) =>
        services.GetRequiredService<GetComplaintHandler>().HandleAsync(request, context.CancellationToken);

    public override Task<ListCustomerComplaintsResponse> ListCustomerComplaints(ListCustomerComplaintsRequest request, ServerCallContext context) =>
        services.GetRequiredService<ListCustomerComplaintsHandler>().HandleAsync(request, context.CancellationToken);
}
