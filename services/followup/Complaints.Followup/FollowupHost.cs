using Complaints.Followup.Callbacks;
using Complaints.Followup.Facts;
using Complaints.Followup.Kpis;
using Complaints.Followup.RootCause;
using Complaints.Followup.SecondComplaints;
using Complaints.Followup.Surveys;
using Complaints.ServiceDefaults;

namespace Complaints.Followup;

/// <summary>
/// Hosts follow-up: call-backs, surveys, closure or reopening, second complaints, root-cause
/// review, the case library and KPIs.
/// </summary>
public static class FollowupHost
{
    public const string ServiceName = "followup";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddComplaintsEventStore(store =>
        {
            // Optimistic concurrency on every document a consumer or sweeper rewrites: of two
            // concurrent writers the second fails and retries on fresh data instead of overwriting.
            store.Schema.For<ComplaintFacts>().UseOptimisticConcurrency(true).Index(f => f.FiledAt).Index(f => f.CustomerId).Index(f => f.RootCauseCategory);
            store.Schema.For<CallbackClock>().UseOptimisticConcurrency(true).Index(c => c.DueAt);
            store.Schema.For<RootCause.ImprovementActionRecord>().UseOptimisticConcurrency(true);
            store.Storage.ExtendedSchemaObjects.Add(KpiFactsTable.Definition());
            store.Storage.ExtendedSchemaObjects.AddRange(KpiDailyRollup.Definitions());
            // The case library's similar-case search: trigrams (pg_trgm) in a GiST index, which also orders by distance.
            store.Storage.ExtendedSchemaObjects.Add(new Weasel.Postgresql.Extension("pg_trgm"));
            store.Schema.For<CaseLibrary.CaseLibraryText>().Index(t => t.SearchText, index =>
            {
                index.Method = Weasel.Postgresql.Tables.IndexMethod.gist;
                index.Mask = "? gist_trgm_ops";
            });
        });
        builder.AddComplaintsMessaging(ServiceName, bus =>
        {
            bus.AddBatchConsumer<TakeChangeNotices>();
            bus.AddConsumer<ScheduleCallback>();
            bus.AddConsumer<CaseLibrary.ForgetErasedCaseText>();
        });

        builder.Services.AddOptions<FollowupOptions>().Bind(builder.Configuration.GetSection(FollowupOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<FactsStore>();
        builder.Services.AddScoped<RefreshChangedFacts>();
        builder.Services.AddScoped<LinkSecondComplaints>();
        builder.Services.AddHostedServiceAfterSchema<FillMissingKpiFacts>();
        builder.Services.AddHostedServiceAfterSchema<RefreshKpiRollups>();
        builder.Services.AddSingleton<CallbackSweeper>();
        builder.Services.AddHostedServiceAfterSchema(sp => sp.GetRequiredService<CallbackSweeper>());
        builder.Services.AddScoped<RecordSurveyHandler>();
        builder.Services.AddScoped<RecordCallbackAttemptHandler>();
        builder.Services.AddScoped<RootCauseHandlers>();
        builder.Services.AddScoped<CaseLibrary.WriteCaseSummaryHandler>();
        builder.Services.AddScoped<CaseLibrary.SearchCaseLibraryHandler>();
        builder.Services.AddScoped<GetKpisHandler>();
        builder.Services.AddScoped<ExportComplaintsCsvHandler>();
        builder.Services.AddScoped<Complaints.Followup.Suggestions.ListSuggestionsHandler>();
        builder.Services.AddScoped<Complaints.Followup.Callbacks.ListCallbacksDueHandler>();

        var app = builder.Build();
        app.MapGrpcService<FollowupApi>();
        app.MapServiceDefaults();
        return app;
    }
}
