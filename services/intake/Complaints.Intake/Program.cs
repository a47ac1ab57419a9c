using Complaints.ServiceDefaults;

var app = Complaints.Intake.IntakeHost.Build(args);
await app.RunServiceAsync(args);
