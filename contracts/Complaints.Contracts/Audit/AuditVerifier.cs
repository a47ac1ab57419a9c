namespace Complaints.Contracts.Audit;

/// <summary>
/// Verifies a bundle, from the store or from an export file alone: every event against its seals,
/// every included complaint's chain from version 1, the global chain from the anchor to a signed
/// checkpoint, and, for an export, that the file holds every complaint of its signed manifest whole
/// (up to the version and chain head signed at export) and that its header says what the manifest
/// says. Reports the first bad event by sequence, saying what is wrong; problems of the export as a
/// whole (its manifest) come first, at seq 0.
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

        // 2. Each included complaint's own chain, in version order from 1: those the header lists, and
        // those a manifest whose signature holds lists (they should be the same; step 5 says where not).
        // Where each chain ends, when it holds all the way, is what step 5 compares with the manifest.
        var manifest = bundle.Manifest;
        var manifestSigned = manifest is not null && manifest.SignatureHolds();
        var eventsOf = bundle.Events.ToLookup(e => e.Event.StreamId);
        var missingOf = bundle.Missing.ToLookup(m => m.StreamId);
        var listed = bundle.Complaints.ToHashSet();
        var ends = new Dictionary<Guid, StreamEnd?>();
        var toCheck = manifestSigned ? bundle.Complaints.Concat(manifest!.Complaints.Select(c => c.ComplaintId)) : bundle.Complaints;
        foreach (var complaintId in toCheck.Distinct())
        {
            var stream = eventsOf[complaintId].OrderBy(e => e.Event.Version).ThenBy(e => e.Event.Seq).ToList();
            if (stream.Count == 0)
            {
                ends[complaintId] = new StreamEnd(null, AuditChain.Genesis);
                if (!listed.Contains(complaintId)) continue;
                var firstMissing = missingOf[complaintId].OrderBy(m => m.Seq).FirstOrDefault();
                problems.Add(new VerificationProblem(firstMissing?.Seq ?? 0, complaintId, null, null, "has no events: its stream was deleted"));
                continue;
            }
            var previous = AuditChain.Genesis;
            var expectedVersion = 1L;
            var whole = true;
            foreach (var e in stream)
            {
                if (e.Event.Version != expectedVersion)
                {
                    Problem(e, e.Event.Version < expectedVersion
                        ? $"repeats version {e.Event.Version}: events were reordered or duplicated"
                        : $"is version {e.Event.Version} where version {expectedVersion} should be: an event was deleted or reordered");
                    whole = false;
                    break;
                }
                var seal = AuditChain.Link(previous, leaves[e.Event.Seq]);
                if (e.StreamSeal is null || !seal.AsSpan().SequenceEqual(e.StreamSeal))
                {
                    Problem(e, "does not match its complaint's chain: its data, time, type, version or metadata changed after it was sealed");
                    whole = false;
                    break;
                }
                previous = seal;
                expectedVersion++;
            }
            ends[complaintId] = whole ? new StreamEnd(stream[^1], previous) : null;
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

        // 5. The signed manifest of an export: what the file must hold, whole, and what its header must say.
        if (manifest is null)
        {
            if (bundle.FileFormat is { } format)
                problems.Add(new VerificationProblem(0, null, null, null, format == AuditChain.ExportFormatV1
                    ? $"no signed manifest: a {format} file, written before exports carried one, cannot show that no complaint and no complaint's last events were left out of it; export it again"
                    : "no signed manifest: the manifest record was removed, so nothing shows that no complaint and no complaint's last events were left out of the export"));
        }
        else if (!manifestSigned)
            problems.Add(new VerificationProblem(0, null, null, null,
                "the manifest's signature does not hold: its scope, complaints, versions or chain heads were changed after it was signed"));
        else if (trustedPublicKey is not null && !manifest.PublicKey.AsSpan().SequenceEqual(trustedPublicKey))
            problems.Add(new VerificationProblem(0, null, null, null, $"the manifest is signed with a key you did not give (key id {manifest.KeyId})"));
        else if (trustedPublicKey is null && coveredBy is not null && !manifest.PublicKey.AsSpan().SequenceEqual(coveredBy.PublicKey))
            problems.Add(new VerificationProblem(0, null, null, null,
                $"the manifest is signed with another key than the checkpoint (key id {manifest.KeyId}): it was not signed where the chain was"));
        else
        {
            foreach (var complaint in manifest.Complaints)
            {
                // A chain that does not hold all the way was reported in step 2.
                if (ends.GetValueOrDefault(complaint.ComplaintId) is not { } end) continue;
                if (end.Last is not { } lastEvent)
                {
                    if (complaint.LastVersion > 0)
                        problems.Add(new VerificationProblem(0, complaint.ComplaintId, null, null,
                            $"is in the signed manifest up to version {complaint.LastVersion}, but the file holds none of its events: the complaint was dropped from the export"));
                    continue;
                }
                var version = lastEvent.Event.Version;
                if (version != complaint.LastVersion)
                    Problem(lastEvent, $"is the complaint's last event in the file, but the signed manifest has the complaint up to version {complaint.LastVersion}: " +
                                       (version < complaint.LastVersion ? "its later events were removed or turned into links" : "events were added after the export"));
                else if (!end.Seal.AsSpan().SequenceEqual(complaint.ChainHead))
                    Problem(lastEvent, "ends the complaint's chain on another seal than the signed manifest's chain head: these are not the events that were exported");
            }
            if (manifest.Scope != bundle.Scope)
                problems.Add(new VerificationProblem(0, null, null, null, $"the header's scope \"{bundle.Scope}\" is not the signed manifest's \"{manifest.Scope}\""));
            var signedIds = manifest.Complaints.Select(c => c.ComplaintId).ToList();
            if (!bundle.Complaints.SequenceEqual(signedIds))
            {
                var notInHeader = signedIds.Except(bundle.Complaints).ToList();
                var notSigned = bundle.Complaints.Except(signedIds).ToList();
                problems.Add(new VerificationProblem(0, notInHeader.Concat(notSigned).Select(id => (Guid?)id).FirstOrDefault(), null, null,
                    "the header's complaint list is not the signed manifest's: " +
                    (notInHeader.Count + notSigned.Count == 0 ? "the same complaints in another order or repeated"
                        : string.Join("; ", new[]
                        {
                            notInHeader.Count > 0 ? $"missing from the header: {string.Join(", ", notInHeader)}" : null,
                            notSigned.Count > 0 ? $"not in the manifest: {string.Join(", ", notSigned)}" : null,
                        }.OfType<string>()))));
            }
            // The manifest names the checkpoint its export's chain ends at: one from another export does not vouch for this file.
            if (!chainBroken && (coveredBy is not null || entries.Count == 0) && manifest.CheckpointSeq != (coveredBy?.Seq ?? 0))
                problems.Add(new VerificationProblem(0, null, null, null,
                    $"the signed manifest is of an export whose chain ends at the checkpoint at seq {manifest.CheckpointSeq}, but this file's ends at " +
                    (coveredBy is null ? "none" : $"seq {coveredBy.Seq}") + ": the manifest belongs to another export"));
        }

        return new VerificationResult(bundle.Events.Count, bundle.Links.Count + bundle.Missing.Count, coveredBy,
            problems.OrderBy(p => p.Seq).FirstOrDefault());
    }

    /// <summary>Where a complaint's chain ends in the bundle: its last event (null when it has none) and that event's stream seal.</summary>
    private sealed record StreamEnd(SealedEvent? Last, byte[] Seal);
}
