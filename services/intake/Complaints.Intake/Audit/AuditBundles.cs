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
/// period), from the store: for an export, the scope's events and the chain links in between, with
/// the signed manifest of what it holds; for verifying the store itself, every event in the range
/// too, so a deleted or inserted one shows.
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

    /// <param name="wholeRange">
    /// Include every event of the range (verifying the store), not only the scope's. Without it the
    /// bundle is an export's, and carries its manifest, signed now.
    /// </param>
    public async Task<AuditBundle> BuildAsync(string scope, Guid[] complaints, bool wholeRange, CancellationToken cancellationToken)
    {
        var bundle = new AuditBundle { Scope = scope };
        bundle.Complaints.AddRange(complaints);
        var (heads, checkpointSeq) = await FillAsync(bundle, complaints, wholeRange, cancellationToken);
        if (!wholeRange)
        {
            // What the file must hold, as the seals say: each complaint up to its last sealed version
            // and that version's stream seal, so dropping a complaint, or its last events, shows.
            bundle.Manifest = signer.SignManifest(scope, complaints.Select(id => heads.TryGetValue(id, out var head)
                ? new ManifestEntry(id, head.Version, head.StreamSeal)
                : new ManifestEntry(id, 0, AuditChain.Genesis)), checkpointSeq);
        }
        return bundle;
    }

    /// <summary>
    /// Fills the bundle; returns the last seal of each complaint up to the covering checkpoint, and
    /// that checkpoint's seq (0 when there is nothing to cover).
    /// </summary>
    private async Task<(Dictionary<Guid, SealRow> Heads, long CheckpointSeq)> FillAsync(AuditBundle bundle, Guid[] complaints, bool wholeRange, CancellationToken cancellationToken)
    {
        var heads = new Dictionary<Guid, SealRow>();
        if (complaints.Length == 0) return (heads, 0);
        var events = await audit.EventsOfStreamsAsync(complaints, cancellationToken);
        var firstSeal = await audit.FirstSealOfAsync(complaints, cancellationToken);
        if (events.Count == 0 && firstSeal is null) return (heads, 0);
        var first = Math.Min(events.Count > 0 ? events[0].Seq : long.MaxValue, firstSeal ?? long.MaxValue);
        var last = events.Count > 0 ? events[^1].Seq : first;

        await WaitForSealerAsync(last, cancellationToken);
        var checkpoint = await signer.CoveringAsync(last, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.Unavailable, "No sealed events to sign a checkpoint over yet; retry in a few seconds"));
        (bundle.AnchorSeq, bundle.AnchorSeal) = await audit.AnchorBeforeAsync(first, cancellationToken);
        var seals = (await audit.SealsBetweenAsync(first, checkpoint.Seq, cancellationToken)).ToDictionary(s => s.Seq);
        bundle.Checkpoints.AddRange(await audit.CheckpointsBetweenAsync(first, checkpoint.Seq, cancellationToken));

        // Read again up to the checkpoint: an event appended (and sealed) since the first read is in
        // the checkpoint's chain, so the file holds it too, and the manifest's last version is in the file.
        var included = wholeRange
            ? await audit.EventsBetweenAsync(first, checkpoint.Seq, cancellationToken)
            : (await audit.EventsOfStreamsAsync(complaints, cancellationToken)).Where(e => e.Seq <= checkpoint.Seq).ToList();
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
        // Every seal of these complaints up to the checkpoint is in the range (it starts at their first event or seal).
        var exported = complaints.ToHashSet();
        foreach (var seal in seals.Values)
        {
            if (exported.Contains(seal.StreamId) && (!heads.TryGetValue(seal.StreamId, out var head) || seal.Version > head.Version))
                heads[seal.StreamId] = seal;
        }
        return (heads, checkpoint.Seq);
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
