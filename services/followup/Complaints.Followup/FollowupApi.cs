using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Kpis;
using Complaints.Followup.RootCause;
using Complaints.Followup.Suggestions;
using Complaints.Followup.Surveys;
using Complaints.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Followup;

/// <summary>
/// The gRPC surface of follow-up; each RPC names the roles that may call it (docs/security.md) and
/// hands over to its use-case slice.
/// </summary>
public sealed class FollowupApi(IServiceProvider services) : Contracts.Followup.V1.Followup.FollowupBase
{
    private T Slice<T>() where T : notnull => services.GetRequiredService<T>();

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<RecordSurveyResponse> RecordSurvey(RecordSurveyRequest request, ServerCallContext context) =>
        Slice<RecordSurveyHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<RecordCallbackAttemptResponse> RecordCallbackAttempt(RecordCallbackAttemptRequest request, ServerCallContext context) =>
        Slice<RecordCallbackAttemptHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Analyst)]
    public override Task<RecordRootCauseResponse> RecordRootCause(RecordRootCauseRequest request, ServerCallContext context) =>
        Slice<RootCauseHandlers>().RecordAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Analyst)]
    public override Task<LinkToImprovementActionResponse> LinkToImprovementAction(LinkToImprovementActionRequest request, ServerCallContext context) =>
        Slice<RootCauseHandlers>().LinkAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Reporting)]
    public override Task<GetImprovementActionResponse> GetImprovementAction(GetImprovementActionRequest request, ServerCallContext context) =>
        Slice<RootCauseHandlers>().GetAsync(request, context.CancellationToken);

    [Authorize(Roles = Roles.Analyst)]
    public override Task<CompleteImprovementActionResponse> CompleteImprovementAction(CompleteImprovementActionRequest request, ServerCallContext context) =>
        Slice<RootCauseHandlers>().CompleteAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers + "," + Roles.Analyst)]
    public override Task<WriteCaseSummaryResponse> WriteCaseSummary(WriteCaseSummaryRequest request, ServerCallContext context) =>
        Slice<CaseLibrary.WriteCaseSummaryHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Agent + "," + Roles.Reporting)]
    public override Task<SearchCaseLibraryResponse> SearchCaseLibrary(SearchCaseLibraryRequest request, ServerCallContext context) =>
        Slice<CaseLibrary.SearchCaseLibraryHandler>().HandleAsync(request, Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.CaseWorkers)]
    public override Task<ListCallbacksDueResponse> ListCallbacksDue(ListCallbacksDueRequest request, ServerCallContext context) =>
        Slice<Callbacks.ListCallbacksDueHandler>().HandleAsync(Caller.Of(context), context.CancellationToken);

    [Authorize(Roles = Roles.Reporting)]
    public override Task<ExportComplaintsCsvResponse> ExportComplaintsCsv(ExportComplaintsCsvRequest request, ServerCallContext context) =>
        Slice<ExportComplaintsCsvHandler>().HandleAsync(request, context.CancellationToken);

    [Authorize(Roles = Roles.Reporting)]
    public override Task<ListSuggestionsResponse> ListSuggestions(ListSuggestionsRequest request, ServerCallContext context) =>
        Slice<ListSuggestionsHandler>().HandleAsync(request, context.CancellationToken);

    [Authorize(Roles = Roles.Reporting)]
    public override Task<GetKpisResponse> GetKpis(GetKpisRequest request, ServerCallContext context) =>
        Slice<GetKpisHandler>().HandleAsync(request, context.CancellationToken);
}
