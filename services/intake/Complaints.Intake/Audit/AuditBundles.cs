using Complaints.Contracts.Audit;
using Complaints.Contracts.Audit.V1;
using Complaints.Intake.CustomerHistory;
using Complaints.ServiceDefaults;
using Grpc.Core;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Audit;

/// <summary>
/// Builds what a verification needs for a scope (a complaint, a customer's, those filed in a
/// period), from the store: for an export, the scope's events and the chain links in between; for
/// verifying the store itself, every event in the range too, so a deleted or inserted one shows.
/// </summary>
public sealed class AuditBundles(IQuerySession session, AuditStore audit, CheckpointSigner signer, IOptions<AuditOptions> options)
{
    public async Task<Guid> ResolveAsync(string complaint, string field, CancellationToken cancellationToken)
    {
        complaint = complaint.Trim();
        if (complaint.Length == 0) new FieldViolations().Add(field, "is required: a complaint id or number").ThrowIfAny();
        if (Guid.TryParse(complaint, out var id)) return id;
        var record = await session.Query<CustomerComplaintRecord>().Where(r => r.ComplaintNumber == complaint).FirstOrDefaultAsync(cancellationToken);
        return record?.Id ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint numbered {complaint}"));
    }

    public async Task<(string Scope, Guid[] Complaints)> ScopeAsync(ComplaintScope? scope, CancellationToken cancellationToken)
    {
        switch (scope?.ScopeCase)
        {
            case ComplaintScope.ScopeOneofCase.Complaint:
                var id = await ResolveAsync(scope.Complaint, "scope.complaint", cancellationToken);
                return ($"complaint {scope.Complaint.Trim()}", [id]);
            case ComplaintScope.ScopeOneofCase.CustomerId:
                var customer = scope.CustomerId.Trim();
                if (customer.Length == 0) new FieldViolations().Add("scope.customer_id", "is required").ThrowIfAny();
                var ofCustomer = await session.Query<CustomerComplaintRecord>().Where(r => r.CustomerId == customer).Select(r => r.Id).ToListAsync(cancellationToken);
                return ($"customer {customer}", [.. ofCustomer]);
            case ComplaintScope.ScopeOneofCase.Filed:
                var violations = new FieldViolations();
                if (scope.Filed.From is null) violations.Add("scope.filed.from", "is required");
                if (scope.Filed.To is null) violations.Add("scope.filed.to", "is required");
                violations.ThrowIfAny();
                var (from, to) = (scope.Filed.From!.ToDateTimeOffset(), scope.Filed.To!.ToDateTimeOffset());
                if (to <= from) new FieldViolations().Add("scope.filed.to", "must be after from").ThrowIfAny();
                var inPeriod = await session.Query<CustomerComplaintRecord>().Where(r => r.FiledAt >= from && r.FiledAt < to).Select(r => r.Id).ToListAsync(cancellationToken);
                return ($"filed from {AuditChain.Timestamp(from)} to {AuditChain.Timestamp(to)}", [.. inPeriod]);
            default:
                new FieldViolations().Add("scope", "name a complaint, a customer_id or a filed period").ThrowIfAny();
                throw new InvalidOperationException();
        }
    }

    /// <param name="wholeRange">Include every event of the range (verifying the store), not only the scope's.</param>
    public async Task<AuditBundle> BuildAsync(string scope, Guid[] complaints, bool wholeRange, CancellationToken cancellationToken)
    {
        var bundle = new AuditBundle { Scope = scope };
        bundle.Complaints.AddRange(complaints);
        if (complaints.Length == 0) return bundle;
        var events = await audit.EventsOfStreamsAsync(complaints, cancellationToken);
        var firstSeal = await audit.FirstSealOfAsync(complaints, cancellationToken);
        if (events.Count == 0 && firstSeal is null) return bundle;
        var first = Math.Min(events.Count > 0 ? events[0].Seq : long.MaxValue, firstSeal ?? long.MaxValue);
        var last = events.Count > 0 ? events[^1].Seq : first;

        await WaitForSealerAsync(last, cancellationToken);
        var checkpoint = await signer.CoveringAsync(last, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.Unavailable, "No sealed events to sign a checkpoint over yet; retry in a few seconds"));
        (bundle.AnchorSeq, bundle.AnchorSeal) = await audit.AnchorBeforeAsync(first, cancellationToken);
        var seals = (await audit.SealsBetweenAsync(first, checkpoint.Seq, cancellationToken)).ToDictionary(s => s.Seq);
        bundle.Checkpoints.AddRange(await audit.CheckpointsBetweenAsync(first, checkpoint.Seq, cancellationToken));

        var included = wholeRange ? await audit.EventsBetweenAsync(first, checkpoint.Seq, cancellationToken) : events;
        var seen = new HashSet<long>();
        foreach (var e in included)
        {
            seen.Add(e.Seq);
            var seal = seals.GetValueOrDefault(e.Seq);
            bundle.Events.Add(new SealedEvent(e, seal?.StreamSeal, seal?.GlobalSeal));
        }
        foreach (var seal in seals.Values.Where(s => !seen.Contains(s.Seq)).OrderBy(s => s.Seq))
        {
            if (wholeRange || complaints.Contains(seal.StreamId))
                bundle.Missing.Add(new MissingEvent(seal.Seq, seal.StreamId, seal.Version, seal.Leaf, seal.GlobalSeal));
            else
                bundle.Links.Add(new ChainLink(seal.Seq, seal.Leaf, seal.GlobalSeal));
        }
        return bundle;
    }

    private async Task WaitForSealerAsync(long seq, CancellationToken cancellationToken)
    {
        // A wait on infrastructure, not a domain deadline: real time, whatever clock the domain runs on.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await audit.SealerPositionAsync(cancellationToken) < seq)
        {
            if (waited.Elapsed > options.Value.SealWait)
                throw new RpcException(new Status(StatusCode.Unavailable,
                    $"The newest events are not sealed yet (the sealer is behind seq {seq}); retry shortly. If this persists, the event relay instance is down (docs/operations.md)"));
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
