var app = Complaints.Identity.IdentityHost.Build(args);
await app.RunAsync();
