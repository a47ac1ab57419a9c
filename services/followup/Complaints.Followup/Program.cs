using Complaints.Followup.Facts;
using Complaints.ServiceDefaults;

var app = Complaints.Followup.FollowupHost.Build(args);
if (args.Contains("--rebuild-facts"))
{
    // Operators' tool: refold every complaint's KPI facts from the event store.
    Console.WriteLine($"Rebuilt the facts of {await app.Services.GetRequiredService<FactsStore>().RebuildAllAsync(CancellationToken.None)} complaints.");
    return;
}
await app.RunServiceAsync(args);
