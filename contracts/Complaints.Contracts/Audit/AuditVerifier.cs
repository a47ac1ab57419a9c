namespace Complaints.Contracts.Audit;

/// <summary>
/// Verifies a bundle, from the store or from an export file alone: every event against its seals,
/// every included complaint's chain from version 1, the global chain from the anchor to a signed
/// checkpoint. Reports the first bad event by sequence, saying what is wrong.
/// </summary>
public static class AuditVerifier
{
    public static VerificationResult Verify(AuditBundle bundle, byte[]? trustedPublicKey = null)
    {
        var problems = new List<VerificationProblem>();
        void Problem(SealedEvent e, string what) =>
            problems.Add(new VerificationProblem(e.Event.Seq, e.Event.StreamId, e.Event.Version, e.Event.Type, what));

        // 1. Each event's content, hashed as stored.
        // Hashing is the bulk of the work and independent per event: spread over the cores.
        var computed = new byte[bundle.Events.Count][];
        Parallel.For(0, computed.Length, i => computed[i] = AuditChain.Leaf(bundle.Events[i].Event));
        var leaves = new Dictionary<long, byte[]>(bundle.Events.Count);
        for (var i = 0; i < computed.Length; i++)
        {
            var e = bundle.Events[i];
            if (!leaves.TryAdd(e.Event.Seq, computed[i])) Problem(e, "appears twice");
            if (e.GlobalSeal is null) Problem(e, "was never sealed: it was written into the store after the fact");
        }
        foreach (var m in bundle.Missing)
            problems.Add(new VerificationProblem(m.Seq, m.StreamId, m.Version, null,
                "was sealed but is no longer in the store: it, or its whole complaint, was deleted"));

        // 2. Each included complaint's own chain, in version order from 1.
        var eventsOf = bundle.Events.ToLookup(e => e.Event.StreamId);
        var missingOf = bundle.Missing.ToLookup(m => m.StreamId);
        foreach (var complaintId in bundle.Complaints)
        {
            var stream = eventsOf[complaintId].OrderBy(e => e.Event.Version).ThenBy(e => e.Event.Seq).ToList();
            if (stream.Count == 0)
            {
                var firstMissing = missingOf[complaintId].OrderBy(m => m.Seq).FirstOrDefault();
                problems.Add(new VerificationProblem(firstMissing?.Seq ?? 0, complaintId, null, null, "has no events: its stream was deleted"));
                continue;
            }
            var previous = AuditChain.Genesis;
            var expectedVersion = 1L;
            foreach (var e in stream)
            {
                if (e.Event.Version != expectedVersion)
                {
                    Problem(e, e.Event.Version < expectedVersion
                        ? $"repeats version {e.Event.Version}: events were reordered or duplicated"
                        : $"is version {e.Event.Version} where version {expectedVersion} should be: an event was deleted or reordered");
                    break;
                }
                var seal = AuditChain.Link(previous, leaves[e.Event.Seq]);
                if (e.StreamSeal is null || !seal.AsSpan().SequenceEqual(e.StreamSeal))
                {
                    Problem(e, "does not match its complaint's chain: its data, time, type, version or metadata changed after it was sealed");
                    break;
                }
                previous = seal;
                expectedVersion++;
            }
        }

        // 3. The global chain, from the anchor through every entry to the checkpoints.
        var entries = bundle.Events.Where(e => e.GlobalSeal is not null)
            .Select(e => (Seq: e.Event.Seq, Leaf: leaves[e.Event.Seq], Stated: e.GlobalSeal!, Event: (SealedEvent?)e))
            .Concat(bundle.Links.Select(l => (l.Seq, l.Leaf, Stated: l.GlobalSeal, Event: (SealedEvent?)null)))
            .Concat(bundle.Missing.Select(m => (m.Seq, m.Leaf, Stated: m.GlobalSeal, Event: (SealedEvent?)null)))
            .OrderBy(x => x.Seq)
            .ToList();
        var walked = new Dictionary<long, byte[]>(entries.Count);
        var chainPrevious = bundle.AnchorSeal;
        var chainBroken = false;
        foreach (var entry in entries)
        {
            if (entry.Seq <= bundle.AnchorSeq || !walked.TryAdd(entry.Seq, chainPrevious))
            {
                problems.Add(new VerificationProblem(entry.Seq, entry.Event?.Event.StreamId, entry.Event?.Event.Version, entry.Event?.Event.Type,
                    "appears twice in the global chain, or before its anchor"));
                chainBroken = true;
                break;
            }
            var seal = AuditChain.Link(chainPrevious, entry.Leaf);
            if (!seal.AsSpan().SequenceEqual(entry.Stated))
            {
                problems.Add(new VerificationProblem(entry.Seq, entry.Event?.Event.StreamId, entry.Event?.Event.Version, entry.Event?.Event.Type,
                    entry.Event is null
                        ? "breaks the global chain: an entry before it was removed, or the chain was rewritten"
                        : "breaks the global chain: it changed after it was sealed, or an event before it was removed"));
                chainBroken = true;
                break;
            }
            walked[entry.Seq] = seal;
            chainPrevious = seal;
        }

        // 4. Signed checkpoints: the chain must reach one, and agree with every one it passes.
        Checkpoint? coveredBy = null;
        var last = entries.Count > 0 ? entries[^1].Seq : bundle.AnchorSeq;
        foreach (var checkpoint in bundle.Checkpoints.OrderBy(c => c.Seq))
        {
            if (!checkpoint.SignatureHolds())
            {
                problems.Add(new VerificationProblem(checkpoint.Seq, null, null, null, "the checkpoint's signature does not hold"));
                continue;
            }
            if (trustedPublicKey is not null && !checkpoint.PublicKey.AsSpan().SequenceEqual(trustedPublicKey))
            {
                problems.Add(new VerificationProblem(checkpoint.Seq, null, null, null, $"the checkpoint is signed with a key you did not give (key id {checkpoint.KeyId})"));
                continue;
            }
            if (chainBroken) continue;
            if (!walked.TryGetValue(checkpoint.Seq, out var seal))
            {
                if (checkpoint.Seq == bundle.AnchorSeq) continue;
                problems.Add(new VerificationProblem(checkpoint.Seq, null, null, null, "the checkpoint names an entry the chain does not contain"));
                continue;
            }
            if (!seal.AsSpan().SequenceEqual(checkpoint.GlobalSeal))
            {
                problems.Add(new VerificationProblem(checkpoint.Seq, null, null, null,
                    "the chain here differs from the signed checkpoint: seals were rewritten after it was signed"));
                continue;
            }
            if (checkpoint.Seq >= last) coveredBy ??= checkpoint;
        }
        if (!chainBroken && entries.Count > 0 && coveredBy is null)
            problems.Add(new VerificationProblem(last, null, null, null, "no trusted, signed checkpoint covers the chain up to here"));

        return new VerificationResult(bundle.Events.Count, bundle.Links.Count + bundle.Missing.Count, coveredBy,
            problems.OrderBy(p => p.Seq).FirstOrDefault());
    }
}
