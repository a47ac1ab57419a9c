using Complaints.Contracts.Audit;
using Complaints.Contracts.Audit.V1;
using Complaints.ServiceDefaults.Audit;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Complaints.Intake.Audit;

/// <summary>Exports a scope as one self-contained JSON Lines file, streamed in chunks.</summary>
public sealed class ExportComplaintsHandler(AuditBundles bundles, PersonalDataReads reads, TimeProvider clock)
{
    private const int LinesPerChunk = 500;

    public async Task HandleAsync(ExportComplaintsRequest request, IServerStreamWriter<ExportComplaintsResponse> output, Caller caller, CancellationToken cancellationToken)
    {
        var (scope, complaints) = await bundles.ScopeAsync(request.Scope, cancellationToken);
        var bundle = await bundles.BuildAsync(scope, complaints, wholeRange: false, cancellationToken);
        // Stored events hold personal data sealed; the export carries it sealed too, yet it is still a read to record.
        await reads.RecordAsync(complaints, caller, "complaints.audit.v1.Audit/ExportComplaints", PersonalDataReadView.Masked, cancellationToken);
        var chunk = new ExportComplaintsResponse();
        foreach (var line in AuditExportFile.Lines(bundle, caller.Subject, clock.GetUtcNow()))
        {
            chunk.Lines.Add(line);
            if (chunk.Lines.Count < LinesPerChunk) continue;
            await output.WriteAsync(chunk, cancellationToken);
            chunk = new ExportComplaintsResponse();
        }
        if (chunk.Lines.Count > 0) await output.WriteAsync(chunk, cancellationToken);
    }
}

/// <summary>Verifies a scope in the store itself, walking every event of its range.</summary>
public sealed class VerifyComplaintsHandler(AuditBundles bundles, CheckpointSigner signer)
{
    public async Task<VerifyComplaintsResponse> HandleAsync(VerifyComplaintsRequest request, CancellationToken cancellationToken)
    {
        var (scope, complaints) = await bundles.ScopeAsync(request.Scope, cancellationToken);
        var bundle = await bundles.BuildAsync(scope, complaints, wholeRange: true, cancellationToken);
        var result = AuditVerifier.Verify(bundle, signer.PublicKey);
        var response = new VerifyComplaintsResponse
        {
            Ok = result.Ok,
            EventsChecked = result.EventsChecked,
            LinksChecked = result.LinksChecked,
            CheckpointSequence = result.CoveredBy?.Seq ?? 0,
        };
        if (result.CoveredBy is { } checkpoint) response.CheckpointSignedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.Parse(checkpoint.SignedAt, System.Globalization.CultureInfo.InvariantCulture));
        if (result.FirstProblem is { } problem)
        {
            response.ProblemSequence = problem.Seq;
            response.ProblemComplaintId = problem.ComplaintId?.ToString() ?? "";
            response.ProblemVersion = problem.Version ?? 0;
            response.Problem = problem.ToString();
        }
        return response;
    }
}
