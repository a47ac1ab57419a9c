using Complaints.Followup.Facts;
using Complaints.ServiceDefaults;

var app = Complaints.Followup.FollowupHost.Build(args);
if (args.Contains("--rebuild-facts"))
{
    // Operators' tool: refold every complaint's KPI facts from the event store.
    var started = System.Diagnostics.Stopwatch.StartNew();
    // --parallel N: batches folded at once (default one per core).
    var parallel = args.SkipWhile(a => a != "--parallel").Skip(1).Select(a => (int?)int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
    var (complaints, events) = await app.Services.GetRequiredService<FactsStore>().RebuildAllAsync(CancellationToken.None, parallel);
    var seconds = started.Elapsed.TotalSeconds;
    Console.WriteLine($"Rebuilt the facts of {complaints} complaints from {events} events in {seconds:0.0} s: {events / seconds:0} events/s.");
    return;
}
await app.RunServiceAsync(args);
