using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Kpis;
using Complaints.Followup.RootCause;
using Complaints.Followup.Surveys;
using Grpc.Core;

namespace Complaints.Followup;

/// <summary>The gRPC surface of follow-up; each RPC hands over to its use-case slice.</summary>
public sealed class FollowupApi(IServiceProvider services) : Contracts.Followup.V1.Followup.FollowupBase
{
    private T Slice<T>() where T : notnull => services.GetRequiredService<T>();

    public override Task<RecordSurveyResponse> RecordSurvey(RecordSurveyRequest request, ServerCallContext context) =>
        Slice<RecordSurveyHandler>().HandleAsync(request, context.CancellationToken);

    public override Task<RecordRootCauseResponse> RecordRootCause(RecordRootCauseRequest request, ServerCallContext context) =>
        Slice<RootCauseHandlers>().RecordAsync(request, context.CancellationToken);

    public override Task<LinkToImprovementActionResponse> LinkToImprovementAction(LinkToImprovementActionRequest request, ServerCallContext context) =>
        Slice<RootCauseHandlers>().LinkAsync(request, context.CancellationToken);

    public override Task<GetImprovementActionResponse> GetImprovementAction(GetImprovementActionRequest request, ServerCallContext context) =>
        Slice<RootCauseHandlers>().GetAsync(request, context.CancellationToken);

    public override Task<SearchCaseLibraryResponse> SearchCaseLibrary(SearchCaseLibraryRequest request, ServerCallContext context) =>
        Slice<RootCauseHandlers>().SearchAsync(request, context.CancellationToken);

    public override Task<GetKpisResponse> GetKpis(GetKpisRequest request, ServerCallContext context) =>
        Slice<GetKpisHandler>().HandleAsync(request, context.CancellationToken);
}
