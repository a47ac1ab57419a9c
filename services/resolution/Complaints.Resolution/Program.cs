using Complaints.ServiceDefaults;

var app = Complaints.Resolution.ResolutionHost.Build(args);
await app.RunServiceAsync(args);
