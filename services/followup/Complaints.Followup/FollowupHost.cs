using Complaints.ServiceDefaults;

namespace Complaints.Followup;

/// <summary>
/// Hosts the followup service. Its use cases come with their own issue; until then it connects to
/// the event store and the broker and answers health checks, so deployments can rely on it.
/// </summary>
public static class FollowupHost
{
    public const string ServiceName = "followup";

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
