using Complaints.ServiceDefaults;

var app = Complaints.Routing.RoutingHost.Build(args);
await app.RunServiceAsync(args);
