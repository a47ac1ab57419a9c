using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using Marten;
using MassTransit;

namespace Complaints.Routing.RouteComplaint;

/// <summary>
/// Routes a newly filed complaint by appending <see cref="ComplaintRouted"/> to its stream.
/// Idempotent: a redelivered <see cref="ComplaintFiled"/> finds the complaint already routed and
/// appends nothing. Two concurrent deliveries race on the stream's expected version; the loser
/// gets a concurrency error, is retried, and then finds the complaint routed.
/// </summary>
public sealed class RouteFiledComplaint(IDocumentSession session, TimeProvider clock, ILogger<RouteFiledComplaint> logger)
    : IConsumer<ComplaintFiled>
{
    public async Task Consume(ConsumeContext<ComplaintFiled> context)
    {
        var filed = context.Message;
        var history = await session.Events.FetchStreamAsync(filed.ComplaintId, token: context.CancellationToken);
        if (history.Count == 0)
            throw new InvalidOperationException($"Complaint {filed.ComplaintId} has no stream; refusing to route an unknown complaint");

        if (history.Any(e => e.Data is ComplaintRouted))
        {
            logger.LogInformation("Complaint {ComplaintId} is already routed; redelivery ignored", filed.ComplaintId);
            return;
        }

        var (team, rule) = TeamRule.Pick(filed.Channel);
        session.StampTraceContext();
        session.Events.Append(filed.ComplaintId, history[^1].Version + 1, new ComplaintRouted(filed.ComplaintId, team, rule, clock.GetUtcNow()));
        await session.SaveChangesAsync(context.CancellationToken);
        logger.LogInformation("Complaint {ComplaintNumber} routed to {Team} ({Rule})", filed.ComplaintNumber, team, rule);
    }
}
