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
            bus.AddBatchConsumer<TakeChangeNotices>();
        });

        builder.Services.AddOptions<ApprovalLimits>().Bind(builder.Configuration.GetSection(ApprovalLimits.Section))
            .Validate(o => o.Agent >= 0 && o.Agent <= o.Supervisor && o.Supervisor <= o.Manager,
                $"{ApprovalLimits.Section}: limits must be 0 <= Agent <= Supervisor <= Manager")
            .Validate(o => o.Currency.Length == 3, $"{ApprovalLimits.Section}:Currency must be an ISO 4217 code such as CNY")
            .ValidateOnStart();
        builder.Services.AddOptions<ResolutionOptions>().Bind(builder.Configuration.GetSection(ResolutionOptions.Section))
            .Validate(o => o.ProgressUpdateInterval > TimeSpan.Zero, $"{ResolutionOptions.Section}:ProgressUpdateInterval must be positive")
            .Validate(o => o.SweepInterval >= TimeSpan.Zero, $"{ResolutionOptions.Section}:SweepInterval cannot be negative (zero turns the sweep off)")
            .Validate(o => o.Departments.Values.All(d => d.Contact.Length > 0 && d.ResponseTime > TimeSpan.Zero),
                $"{ResolutionOptions.Section}:Departments: each needs a Contact and a positive ResponseTime")
            .ValidateOnStart();
        var wordingFile = builder.Configuration["Complaints:Resolution:WordingRulesFile"] ?? Path.Combine(AppContext.BaseDirectory, "wording-rules.json");
        builder.Services.AddSingleton(WordingPolicy.Load(wordingFile));
        builder.Services.AddScoped<CaseStream>();
        builder.Services.AddSingleton<Notices.NoticeTemplates>();
        builder.Services.AddScoped<RefreshChangedCaseFiles>();
        builder.Services.AddScoped<Notices.NotifyNewResolutionDates>();
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
