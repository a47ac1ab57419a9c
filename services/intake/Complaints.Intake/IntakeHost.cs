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
            store.Schema.For<CustomerComplaintRecord>().Index(r => r.CustomerId);
        });
        builder.Services.Configure<IntakeOptions>(builder.Configuration.GetSection(IntakeOptions.Section));
        builder.AddComplaintsMessaging(ServiceName);
        builder.Services.AddScoped<FileComplaintHandler>();
        builder.Services.AddScoped<GetComplaintHandler>();
        builder.Services.AddScoped<ListCustomerComplaintsHandler>();
        builder.Services.Configure<LegalHoldOptions>(builder.Configuration.GetSection(LegalHoldOptions.Section));
        builder.Services.AddScoped<EraseCustomerDataHandler>();

        var app = builder.Build();
        app.MapGrpcService<IntakeApi>();
        app.MapServiceDefaults();
        return app;
    }
}
