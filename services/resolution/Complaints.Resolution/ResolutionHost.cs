using Complaints.Resolution.Cases;
using Complaints.Resolution.Contacts;
using Complaints.Resolution.FirstResponse;
using Complaints.Resolution.ProgressUpdates;
using Complaints.Resolution.Queue;
using Complaints.Resolution.Remedies;
using Complaints.Resolution.Wording;
using Complaints.ServiceDefaults;

namespace Complaints.Resolution;

public static class ResolutionHost
{
    public const string ServiceName = "resolution";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddComplaintsEventStore(store =>
        {
            // A queue is an agent's unresolved case files, approvals a team's: (who, resolved) and
            // (resolved, team) skip the resolved history, so their cost stays flat as it grows.
            store.Schema.For<CaseFile>().UseOptimisticConcurrency(true).Index(f => f.NextUpdateDue)
                .Index([f => f.AssigneeId, f => f.Resolved])
                .Index([f => f.Resolved, f => f.Team]);
        });
        builder.AddComplaintsMessaging(ServiceName, bus =>
        {
            bus.AddConsumer<TrackCaseFile>();
            bus.AddConsumer<Notices.NotifyNewResolutionDate>();
        });

        builder.Services.Configure<ApprovalLimits>(builder.Configuration.GetSection(ApprovalLimits.Section));
        builder.Services.Configure<ResolutionOptions>(builder.Configuration.GetSection(ResolutionOptions.Section));
        var wordingFile = builder.Configuration["Complaints:Resolution:WordingRulesFile"] ?? Path.Combine(AppContext.BaseDirectory, "wording-rules.json");
        builder.Services.AddSingleton(WordingPolicy.Load(wordingFile));
        builder.Services.AddScoped<CaseStream>();
        builder.Services.AddSingleton<Notices.NoticeTemplates>();
        builder.Services.AddScoped<ListQueueHandler>();
        builder.Services.AddScoped<SendFirstResponseHandler>();
        builder.Services.AddScoped<RecordContactHandler>();
        builder.Services.AddScoped<RemedyHandlers>();
        builder.Services.AddScoped<Approvals.ListPendingApprovalsHandler>();
        builder.Services.AddScoped<Departments.DepartmentTaskHandlers>();
        builder.Services.AddScoped<SendProgressUpdateHandler>();
        builder.Services.AddSingleton<MissedUpdateSweeper>();
        builder.Services.AddHostedServiceAfterSchema(sp => sp.GetRequiredService<MissedUpdateSweeper>());

        var app = builder.Build();
        // A notice template with forbidden wording or without the date stops the service at start, not at the first notice.
        app.Services.GetRequiredService<Notices.NoticeTemplates>();
        app.MapGrpcService<ResolutionApi>();
        app.MapServiceDefaults();
        return app;
    }
}
