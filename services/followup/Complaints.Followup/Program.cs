using Complaints.ServiceDefaults;

var app = Complaints.Followup.FollowupHost.Build(args);
await app.RunServiceAsync(args);
