using Complaints.Routing.AgentCases;
using Complaints.Routing.CaseProgress;
using Complaints.Routing.Assignment;
using Complaints.Routing.RouteComplaint;
using Complaints.Routing.SlaClock;
using Complaints.Routing.Triage;
using Complaints.ServiceDefaults;

namespace Complaints.Routing;

public static class RoutingHost
{
    public const string ServiceName = "routing";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddComplaintsEventStore(store =>
        {
            // Several writers touch these (assignment, the sweeper, the agents' progress): a stale
            // write fails and is retried instead of silently undoing another.
            // An agent's cases and a team's board read the open cases only: (who, open) and (team, open)
            // reach them without touching the closed ones, so their cost stays flat as history grows.
            store.Schema.For<OpenCase>().UseOptimisticConcurrency(true).Index(c => c.NextDeadline)
                .Index([c => c.AssigneeId, c => c.Open])
                .Index([c => c.Team, c => c.Open]);
            store.Schema.For<AgentWorkload>().UseOptimisticConcurrency(true);
        });
        builder.AddComplaintsMessaging(ServiceName, bus =>
        {
            // New complaints come with the relay's notices, a batch routed in one transaction; a short
            // wait for the batch keeps filed -> assigned quick when complaints are few.
            bus.AddBatchConsumer<RouteFiledComplaints>(timeLimit: TimeSpan.FromMilliseconds(50));
            bus.AddConsumer<FollowCaseProgress>();
        });

        // Rules and teams are data files; the chart mounts the call center's own over these defaults.
        var rulesFile = builder.Configuration["Complaints:Routing:TriageRulesFile"] ?? Path.Combine(AppContext.BaseDirectory, "triage-rules.json");
        var teamsFile = builder.Configuration["Complaints:Routing:TeamsFile"] ?? Path.Combine(AppContext.BaseDirectory, "teams.json");
        // The model learns from the labelled corpus's training part and the independent writers' development
        // part (data/writers/README.md), never a held-out part. It is built once per corpus version
        // (`complaints triage-train`) and loaded here; a corpus or tuning it was not built from (a call
        // center's own, mounted by the chart) is learnt from at start instead, which takes seconds.
        var corpusFile = builder.Configuration["Complaints:Routing:TriageCorpusFile"] ?? Path.Combine(AppContext.BaseDirectory, "triage-corpus.jsonl");
        var writersFile = builder.Configuration["Complaints:Routing:TriageWritersFile"] ?? Path.Combine(AppContext.BaseDirectory, "triage-writers.jsonl");
        var modelFile = builder.Configuration["Complaints:Routing:TriageModelFile"] ?? Path.Combine(AppContext.BaseDirectory, "triage-model.bin");
        var triageRules = TriageRuleSet.Load(rulesFile);
        builder.Services.AddSingleton(triageRules);
        var model = TriageModel.Prebuilt(modelFile, TriageCorpus.TrainingExamples(corpusFile, writersFile), triageRules.Model, out var trainedBecause);
        builder.Services.AddSingleton(new TriageEngine(triageRules, model));
        builder.Services.AddSingleton(TeamDirectory.Load(teamsFile));
        builder.Services.AddOptions<SlaSweeperOptions>().Bind(builder.Configuration.GetSection(SlaSweeperOptions.Section))
            .Validate(o => o.Interval >= TimeSpan.Zero, $"{SlaSweeperOptions.Section}:Interval cannot be negative (zero turns the sweep off)")
            .Validate(o => o.BatchSize > 0, $"{SlaSweeperOptions.Section}:BatchSize must be at least 1")
            .ValidateOnStart();
        builder.Services.AddSingleton<SlaSweeper>();
        builder.Services.AddHostedServiceAfterSchema(sp => sp.GetRequiredService<SlaSweeper>());
        builder.Services.AddScoped<ListAgentCasesHandler>();
        builder.Services.AddScoped<Complaints.Routing.CorrectTriage.CorrectTriageHandler>();
        builder.Services.AddScoped<Complaints.Routing.ReassignCase.ReassignCaseHandler>();
        builder.Services.AddScoped<Complaints.Routing.EscalateCase.EscalateCaseHandler>();
        builder.Services.AddScoped<Complaints.Routing.Assignment.StaffText>();
        builder.Services.AddScoped<Complaints.Routing.ExtendRegulatoryClock.ExtendRegulatoryClockHandler>();
        builder.Services.AddScoped<Complaints.Routing.TeamBoard.GetTeamBoardHandler>();

        var app = builder.Build();
        if (trainedBecause is not null)
            app.Logger.LogWarning("Triage's model was trained at start ({Reason}); build it once with `complaints triage-train` and mount it as Complaints:Routing:TriageModelFile", trainedBecause);
        app.MapGrpcService<RoutingApi>();
        app.MapServiceDefaults();
        return app;
    }
}
