using Complaints.Routing.RouteComplaint;
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
        builder.AddComplaintsEventStore();
        builder.AddComplaintsMessaging(ServiceName, bus => bus.AddConsumer<RouteFiledComplaint>());

        var app = builder.Build();
        app.MapServiceDefaults();
        return app;
    }
}
