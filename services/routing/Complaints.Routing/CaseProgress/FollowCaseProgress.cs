using Complaints.Contracts.Events;
using Complaints.Routing.Assignment;
using Complaints.ServiceDefaults;
using Marten;
using MassTransit;

namespace Complaints.Routing.CaseProgress;

/// <summary>
/// Keeps the SLA clock in step with the agents' work: the first response stops the
/// first-response clock, a resolution closes the case and frees the agent, and a remedy the
/// customer rejects escalates the complaint one tier. Each is idempotent under redelivery.
/// </summary>
public sealed class FollowCaseProgress(IDocumentSession session, TeamDirectory teams, TimeProvider clock, ILogger<FollowCaseProgress> logger) :
    IConsumer<FirstResponseSent>, IConsumer<ComplaintResolved>, IConsumer<RemedyRejected>
{
    public async Task Consume(ConsumeContext<FirstResponseSent> context)
    {
        if (await OpenCaseAsync(context.Message.ComplaintId, context.CancellationToken) is not { FirstResponded: false } openCase) return;
        openCase.FirstResponded = true;
        openCase.RecomputeNextDeadline();
        session.Store(openCase);
        await session.SaveChangesAsync(context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<ComplaintResolved> context)
    {
        if (await OpenCaseAsync(context.Message.ComplaintId, context.CancellationToken) is not { } openCase) return;
        await Escalation.ReleaseAgentLoadAsync(session, openCase, context.CancellationToken);
        session.Delete(openCase);
        await session.SaveChangesAsync(context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<RemedyRejected> context)
    {
        var rejected = context.Message;
        var cancellationToken = context.CancellationToken;
        if (await OpenCaseAsync(rejected.ComplaintId, cancellationToken) is not { } openCase
            || openCase.HandledRejections.Contains(rejected.RemedyId)) return;

        var stream = await session.Events.FetchStreamStateAsync(rejected.ComplaintId, cancellationToken)
                     ?? throw new InvalidOperationException($"Complaint {rejected.ComplaintId} has no stream");
        var reason = $"the customer rejected remedy {rejected.RemedyId}; prefers: {rejected.PreferredRemedy}";
        openCase.HandledRejections.Add(rejected.RemedyId);
        if (await Escalation.OneTierUpAsync(session, openCase, teams, reason, clock.GetUtcNow(), cancellationToken) is { } escalated)
        {
            session.StampTraceContext();
            session.Events.Append(rejected.ComplaintId, stream.Version + 1, escalated);
            logger.LogInformation("Complaint {ComplaintId} escalated to {Tier} after a rejected remedy", rejected.ComplaintId, escalated.ToTier);
        }
        session.Store(openCase);
        await session.SaveChangesAsync(cancellationToken);
    }

    private Task<OpenCase?> OpenCaseAsync(Guid complaintId, CancellationToken cancellationToken) =>
        session.LoadAsync<OpenCase>(complaintId, cancellationToken);
}
