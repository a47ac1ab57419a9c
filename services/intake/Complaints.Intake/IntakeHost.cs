using Complaints.Intake.Audit;
using Complaints.Intake.CustomerHistory;
using Complaints.Intake.Erasure;
using Complaints.Intake.FileComplaint;
using Complaints.Intake.GetComplaint;
using Complaints.ServiceDefaults;

namespace Complaints.Intake;

public static class IntakeHost
{
    public const string ServiceName = "intake";

    /// <param name="configure">Lets tests and tools adjust configuration before anything reads it.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddComplaintsEventStore(store =>
        {
            store.Schema.For<FilingReceipt>().Identity(r => r.Id);
            store.Schema.For<CustomerComplaintRecord>().Index(r => r.CustomerId).Index(r => r.ComplaintNumber).Index(r => r.FiledAt);
            AuditStore.Configure(store);
        }, relayInstance: (marten, relay) =>
        {
            // The daemon instance seals every committed event and signs the chain's head periodically.
            marten.AddSubscriptionWithServices<EventSealer>(ServiceLifetime.Singleton);
            relay.Services.AddHostedService<PeriodicCheckpoints>();
        });
        builder.Services.Configure<IntakeOptions>(builder.Configuration.GetSection(IntakeOptions.Section));
        builder.AddComplaintsMessaging(ServiceName);
        builder.Services.AddScoped<FileComplaintHandler>();
        builder.Services.AddScoped<GetComplaintHandler>();
        builder.Services.AddScoped<ListCustomerComplaintsHandler>();
        builder.Services.Configure<LegalHoldOptions>(builder.Configuration.GetSection(LegalHoldOptions.Section));
        builder.Services.AddScoped<EraseCustomerDataHandler>();
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section);
        builder.Services.AddSingleton<AuditStore>();
        // Built at start: an instance without a valid signing key fails then, not at an auditor's first export.
        builder.Services.AddSingleton<CheckpointSigner>();
        builder.Services.AddScoped<AuditBundles>();
        builder.Services.AddScoped<ComplaintHistoryHandler>();
        builder.Services.AddScoped<ExportComplaintsHandler>();
        builder.Services.AddScoped<VerifyComplaintsHandler>();
        builder.Services.AddScoped<PersonalDataReadsHandler>();

        var app = builder.Build();
        app.MapGrpcService<IntakeApi>();
        app.MapGrpcService<AuditApi>();
        _ = app.Services.GetRequiredService<CheckpointSigner>();
        app.MapServiceDefaults();
        return app;
    }
}
