using Complaints.Intake.Audit;
using Complaints.Intake.CustomerHistory;
using Complaints.Intake.Erasure;
using Complaints.Intake.FileComplaint;
using Complaints.Intake.GetComplaint;
using Complaints.Intake.Webhooks;
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
            Webhooks.WebhookStore.Configure(store);
        }, relayInstance: (marten, relay) =>
        {
            // The daemon instance seals every committed event and signs the chain's head periodically,
            // and serves the audit API, which signs exports' manifests: the signing key lives only here,
            // never in the intake that faces channel systems (docs/audit.md).
            relay.Services.AddHostedServiceAfterSchema<EventSealer>();
            relay.Services.AddHostedServiceAfterSchema<PeriodicCheckpoints>();
            // Checked when the service starts (not for --apply-schema): an instance without a valid key fails then, not at an auditor's first export.
            relay.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
                .Validate(o => CheckpointSigner.KeyProblem(o) is null, "Complaints:Audit:SigningKey must be an ECDSA P-256 private key, PKCS#8 DER in base64 (docs/audit.md)")
                .ValidateOnStart();
            relay.Services.AddSingleton<AuditStore>();
            relay.Services.AddSingleton<CheckpointSigner>();
            relay.Services.AddSingleton<ILagSample, SealingLag>();
            relay.Services.AddScoped<AuditBundles>();
            relay.Services.AddScoped<ComplaintHistoryHandler>();
            relay.Services.AddScoped<ExportComplaintsHandler>();
            relay.Services.AddScoped<VerifyComplaintsHandler>();
            relay.Services.AddScoped<PersonalDataReadsHandler>();
            // Notices to the channel systems' webhooks, from committed events, by the leader (docs/http-api.md).
            relay.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
            relay.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<WebhookOptions>, WebhookOptionsValidation>();
            relay.Services.AddSingleton<WebhookStore>();
            relay.Services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
            relay.Services.AddSingleton<WebhookSender>();
            relay.Services.AddHostedServiceAfterSchema(services => services.GetRequiredService<WebhookSender>());
        });
        builder.Services.AddOptions<IntakeOptions>().Bind(builder.Configuration.GetSection(IntakeOptions.Section))
            .Validate(o => o.RepeatWindow >= TimeSpan.Zero && o.EarlierComplaintsLinked >= 0,
                $"{IntakeOptions.Section}: RepeatWindow and EarlierComplaintsLinked cannot be negative")
            .ValidateOnStart();
        builder.AddComplaintsMessaging(ServiceName);
        builder.Services.AddScoped<FileComplaintHandler>();
        builder.Services.AddScoped<GetComplaintHandler>();
        builder.Services.AddScoped<ListCustomerComplaintsHandler>();
        builder.Services.AddOptions<LegalHoldOptions>().Bind(builder.Configuration.GetSection(LegalHoldOptions.Section))
            .Validate(o => o.RetentionPeriod >= TimeSpan.Zero, $"{LegalHoldOptions.Section}:RetentionPeriod cannot be negative")
            .ValidateOnStart();
        builder.Services.AddScoped<EraseCustomerDataHandler>();

        var app = builder.Build();
        app.MapGrpcService<IntakeApi>();
        if (app.Configuration.GetValue(ComplaintsSettings.RunEventRelayKey, false)) app.MapGrpcService<AuditApi>();
        app.MapServiceDefaults();
        return app;
    }
}
