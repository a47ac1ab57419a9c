using Complaints.ServiceDefaults;

namespace Complaints.Resolution;

/// <summary>
/// Hosts the resolution service. Its use cases come with their own issue; until then it connects to
/// the event store and the broker and answers health checks, so deployments can rely on it.
/// </summary>
public static class ResolutionHost
{
    public const string ServiceName = "resolution";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(ServiceName);
        builder.AddComplaintsEventStore();
        builder.AddComplaintsMessaging(ServiceName);

        var app = builder.Build();
        app.MapServiceDefaults();
        return app;
    }
}
