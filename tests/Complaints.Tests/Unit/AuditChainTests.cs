using System.Security.Cryptography;
using Complaints.Contracts.Audit;

namespace Complaints.Tests.Unit;

/// <summary>The hash chains and the export file, without a database: what the offline verifier relies on.</summary>
public sealed class AuditChainTests
{
    private static readonly Guid A = Guid.NewGuid();
    private static readonly Guid B = Guid.NewGuid();

    private static RecordedEvent Event(long seq, Guid stream, long version, string data = "{\"complaintId\": \"x\", \"amount\": 30.00}") =>
        new(seq, Guid.NewGuid(), stream, version, "complaint_filed", "2026-11-24T09:00:00.123456Z", data, "{\"actor\": \"care-01\"}", "trace-1", null);

    /// <summary>Seals events the way the sealer does, and signs the head.</summary>
    private static AuditBundle Sealed(ECDsa key, params RecordedEvent[] events)
    {
        var bundle = new AuditBundle { Scope = "test" };
        var global = AuditChain.Genesis;
        var streams = new Dictionary<Guid, byte[]>();
        foreach (var e in events)
        {
            var leaf = AuditChain.Leaf(e);
            var streamSeal = AuditChain.Link(streams.GetValueOrDefault(e.StreamId) ?? AuditChain.Genesis, leaf);
            streams[e.StreamId] = streamSeal;
            global = AuditChain.Link(global, leaf);
            bundle.Events.Add(new SealedEvent(e, streamSeal, global));
        }
        bundle.Complaints.AddRange(events.Select(e => e.StreamId).Distinct());
        bundle.Checkpoints.Add(Checkpoint.Sign(events[^1].Seq, global, DateTimeOffset.UtcNow, "k1", key));
        return bundle;
    }

    /// <summary>Sealed, with the signed manifest an export carries: each complaint up to its last version and chain head.</summary>
    private static AuditBundle Exported(ECDsa key, params RecordedEvent[] events)
    {
        var bundle = Sealed(key, events);
        var lastOf = bundle.Events.GroupBy(e => e.Event.StreamId).ToDictionary(g => g.Key, g => g.MaxBy(e => e.Event.Version)!);
        bundle.Manifest = ExportManifest.Sign(bundle.Scope,
            bundle.Complaints.Select(id => new ManifestEntry(id, lastOf[id].Event.Version, lastOf[id].StreamSeal!)),
            bundle.Checkpoints[^1].Seq, DateTimeOffset.UtcNow, "k1", key);
        return bundle;
    }

    private static List<string> ExportLines(AuditBundle bundle) => AuditExportFile.Lines(bundle, "auditor-01", DateTimeOffset.UtcNow).ToList();

    private static AuditBundle RoundTrip(AuditBundle bundle) => AuditExportFile.Read(ExportLines(bundle));

    /// <summary>Two complaints exported together: A at seq 1, 3 and 5 (versions 1-3), B at seq 2 and 4 (versions 1-2).</summary>
    private static RecordedEvent[] TwoComplaints() => [Event(1, A, 1), Event(2, B, 1), Event(3, A, 2), Event(4, B, 2), Event(5, A, 3)];

    [Fact]
    public void Canonical_json_does_not_depend_on_member_order_or_whitespace_but_on_every_value()
    {
        Assert.Equal(CanonicalJson.Of("{\"b\": 1, \"a\": [\"x\", {\"d\": null, \"c\": true}]}"), CanonicalJson.Of("{\"a\":[\"x\",{\"c\":true,\"d\":null}],\"b\":1}"));
        Assert.Equal("{\"a\":\"引号\\\"\\u000a\"}", CanonicalJson.Of("{\"a\":\"\\u5f15\\u53f7\\\"\\n\"}"));
        Assert.NotEqual(CanonicalJson.Of("{\"a\":30.00}"), CanonicalJson.Of("{\"a\":30.01}"));
    }

    [Fact]
    public void A_sealed_history_verifies_after_going_through_the_file_and_names_a_changed_event()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bundle = Exported(key, Event(1, A, 1), Event(2, B, 1), Event(3, A, 2), Event(5, A, 3));
        var read = RoundTrip(bundle);
        var result = AuditVerifier.Verify(read, key.ExportSubjectPublicKeyInfo());
        Assert.True(result.Ok, result.FirstProblem?.ToString());
        Assert.Equal((4, 5L), (result.EventsChecked, result.CoveredBy!.Seq));

        var changed = read.Events[2] with { Event = read.Events[2].Event with { DataJson = "{\"complaintId\":\"x\",\"amount\":3000.00}" } };
        read.Events[2] = changed;
        var problem = AuditVerifier.Verify(read).FirstProblem;
        Assert.NotNull(problem);
        Assert.Equal((3L, A, 2L), (problem.Seq, problem.ComplaintId, problem.Version));
    }

    [Fact]
    public void A_forged_checkpoint_or_an_untrusted_key_fails()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bundle = Sealed(key, Event(1, A, 1), Event(2, A, 2));
        Assert.Contains("did not give", AuditVerifier.Verify(bundle, other.ExportSubjectPublicKeyInfo()).FirstProblem!.What);

        var checkpoint = bundle.Checkpoints[0];
        bundle.Checkpoints[0] = checkpoint with { GlobalSeal = SHA256.HashData("rewritten"u8) };
        Assert.Contains("signature", AuditVerifier.Verify(bundle).FirstProblem!.What);
    }

    [Fact]
    public void Rewriting_every_later_seal_to_hide_a_change_is_caught_by_the_signed_checkpoint()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var original = Sealed(key, Event(1, A, 1), Event(2, A, 2), Event(3, A, 3));
        var forged = Sealed(ECDsa.Create(ECCurve.NamedCurves.nistP256),
            original.Events[0].Event, original.Events[1].Event with { DataJson = "{\"complaintId\":\"x\",\"amount\":0}" }, original.Events[2].Event);
        forged.Checkpoints.Clear();
        forged.Checkpoints.AddRange(original.Checkpoints);
        var problem = AuditVerifier.Verify(forged, key.ExportSubjectPublicKeyInfo()).FirstProblem;
        Assert.NotNull(problem);
        Assert.Contains("signed checkpoint", problem.What);
    }

    [Fact]
    public void A_missing_version_and_an_uncovered_tail_are_reported()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bundle = Sealed(key, Event(1, A, 1), Event(2, A, 2), Event(3, A, 3));
        bundle.Events.RemoveAt(1);
        var problem = AuditVerifier.Verify(bundle).FirstProblem!;
        Assert.Equal(3L, problem.Seq);
        Assert.Contains("version 2 should be", problem.What);

        var uncovered = Sealed(key, Event(1, A, 1), Event(2, A, 2));
        uncovered.Checkpoints.Clear();
        Assert.Contains("no trusted, signed checkpoint", AuditVerifier.Verify(uncovered).FirstProblem!.What);
    }

    // The signed manifest. Each tampering below leaves every seal, the global chain and the checkpoint
    // intact, so only the manifest shows it.

    [Fact]
    public void An_export_with_its_signed_manifest_verifies_with_the_trusted_key_or_the_embedded_one()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var file = ExportLines(Exported(key, TwoComplaints()));
        Assert.Single(file, line => AuditExportTampering.Kind(line) == "manifest");
        var trusted = AuditExportTampering.Verify(file, key.ExportSubjectPublicKeyInfo());
        Assert.True(trusted.Ok, trusted.FirstProblem?.ToString());
        var embedded = AuditExportTampering.Verify(file, null);
        Assert.True(embedded.Ok, embedded.FirstProblem?.ToString());

        var read = AuditExportFile.Read(file);
        Assert.Equal(AuditChain.ExportFormat, read.FileFormat);
        var manifest = read.Manifest!;
        Assert.Equal(("test", 5L), (manifest.Scope, manifest.CheckpointSeq));
        Assert.Equal(new[] { A, B }, manifest.Complaints.Select(c => c.ComplaintId));
        Assert.Equal(new[] { 3L, 2L }, manifest.Complaints.Select(c => c.LastVersion));
    }

    [Fact]
    public void A_complaint_dropped_from_the_export_fails()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var file = ExportLines(Exported(key, TwoComplaints()));
        // B's events become links and the header no longer lists it: without the manifest, this verified.
        var dropped = AuditExportTampering.DropComplaint(file, B);
        Assert.Empty(AuditExportTampering.EventLinesOf(dropped, B));
        var problem = AuditExportTampering.Verify(dropped, key.ExportSubjectPublicKeyInfo()).FirstProblem;
        Assert.NotNull(problem);
        Assert.Equal(B, problem.ComplaintId);
        Assert.Contains("signed manifest up to version 2, but the file holds none of its events", problem.What);

        // Its events turned into links while the header still lists it.
        var emptied = AuditExportTampering.EventLinesOf(file, B).Aggregate(file, (lines, index) =>
        {
            var copy = lines.ToList();
            copy[index] = AuditExportTampering.LinkFor(file, index);
            return copy;
        });
        var emptiedProblem = AuditExportTampering.Verify(emptied, key.ExportSubjectPublicKeyInfo()).FirstProblem;
        Assert.NotNull(emptiedProblem);
        Assert.Equal(B, emptiedProblem.ComplaintId);
    }

    [Fact]
    public void A_complaint_whose_last_events_were_turned_into_links_fails()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var file = ExportLines(Exported(key, TwoComplaints()));
        // A's last event (seq 5, version 3) becomes a link: A's chain now ends, whole, at version 2.
        var truncated = AuditExportTampering.LastEventToLink(file, A);
        Assert.Equal(2, AuditExportTampering.EventLinesOf(truncated, A).Count);
        var problem = AuditExportTampering.Verify(truncated, key.ExportSubjectPublicKeyInfo()).FirstProblem;
        Assert.NotNull(problem);
        Assert.Equal((3L, A, 2L), (problem.Seq, problem.ComplaintId, problem.Version));
        Assert.Contains("signed manifest has the complaint up to version 3: its later events were removed or turned into links", problem.What);

        // B's last event hidden too: the first problem is B's, by sequence.
        var both = AuditExportTampering.LastEventToLink(truncated, B);
        var first = AuditExportTampering.Verify(both, key.ExportSubjectPublicKeyInfo()).FirstProblem;
        Assert.NotNull(first);
        Assert.Equal((2L, B, 1L), (first.Seq, first.ComplaintId, first.Version));
    }

    [Fact]
    public void The_manifest_of_an_earlier_export_does_not_vouch_for_a_later_file()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bundle = Exported(key, TwoComplaints());
        // Signed when seq 4 was the head: A up to version 2 (seq 3), B up to version 2 (seq 4). With A's
        // last event hidden, the later file holds exactly that, but its chain ends at the checkpoint at 5.
        var earlier = ExportManifest.Sign("test",
            [new ManifestEntry(A, 2, bundle.Events[2].StreamSeal!), new ManifestEntry(B, 2, bundle.Events[3].StreamSeal!)],
            4, DateTimeOffset.UtcNow.AddMinutes(-5), "k1", key);
        var replayed = AuditExportTampering.ReplaceManifest(AuditExportTampering.LastEventToLink(ExportLines(bundle), A), earlier);
        var problem = AuditExportTampering.Verify(replayed, key.ExportSubjectPublicKeyInfo()).FirstProblem;
        Assert.NotNull(problem);
        Assert.Contains("the manifest belongs to another export", problem.What);

        // A manifest whose chain head is not the file's, at the right version.
        var otherHead = ExportManifest.Sign("test",
            [new ManifestEntry(A, 3, SHA256.HashData("another chain"u8)), new ManifestEntry(B, 2, bundle.Events[3].StreamSeal!)],
            5, DateTimeOffset.UtcNow, "k1", key);
        var headProblem = AuditExportTampering.Verify(AuditExportTampering.ReplaceManifest(ExportLines(bundle), otherHead), key.ExportSubjectPublicKeyInfo()).FirstProblem;
        Assert.NotNull(headProblem);
        Assert.Equal((5L, A, 3L), (headProblem.Seq, headProblem.ComplaintId, headProblem.Version));
        Assert.Contains("chain head", headProblem.What);
    }

    [Fact]
    public void A_header_that_differs_from_the_signed_manifest_fails()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var file = ExportLines(Exported(key, TwoComplaints()));
        // B's events stay, but the header no longer lists it, so its own chain would not be checked.
        var unlisted = AuditExportTampering.RemoveFromHeader(file, B);
        var problem = AuditExportTampering.Verify(unlisted, key.ExportSubjectPublicKeyInfo()).FirstProblem;
        Assert.NotNull(problem);
        Assert.Equal((0L, B), (problem.Seq, problem.ComplaintId));
        Assert.Contains("the header's complaint list is not the signed manifest's: missing from the header", problem.What);

        var rescoped = AuditExportTampering.Edit(file, "header", header => header["scope"] = "complaint C-20261124-00000000");
        var scopeProblem = AuditExportTampering.Verify(rescoped, key.ExportSubjectPublicKeyInfo()).FirstProblem;
        Assert.NotNull(scopeProblem);
        Assert.Contains("the header's scope", scopeProblem.What);
    }

    [Fact]
    public void A_changed_foreign_or_missing_manifest_fails()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var trusted = key.ExportSubjectPublicKeyInfo();
        var file = ExportLines(Exported(key, TwoComplaints()));

        // A's last event hidden, and the manifest changed to match: the signature no longer holds.
        var changed = AuditExportTampering.Edit(AuditExportTampering.LastEventToLink(file, A), "manifest",
            manifest => manifest["complaints"]![0]!["lastVersion"] = 2);
        var problem = AuditExportTampering.Verify(changed, trusted).FirstProblem;
        Assert.NotNull(problem);
        Assert.Contains("the manifest's signature does not hold", problem.What);
        var dropped = AuditExportTampering.Edit(file, "manifest", manifest => manifest["complaints"]!.AsArray().RemoveAt(1));
        Assert.Contains("the manifest's signature does not hold", AuditExportTampering.Verify(dropped, trusted).FirstProblem!.What);

        // Signed again with a key that is not the platform's.
        var original = AuditExportFile.Read(file).Manifest!;
        var forged = AuditExportTampering.ReplaceManifest(file,
            ExportManifest.Sign(original.Scope, original.Complaints, original.CheckpointSeq, DateTimeOffset.UtcNow, original.KeyId, other));
        Assert.Contains("the manifest is signed with a key you did not give", AuditExportTampering.Verify(forged, trusted).FirstProblem!.What);
        Assert.Contains("the manifest is signed with another key than the checkpoint", AuditExportTampering.Verify(forged, null).FirstProblem!.What);

        // No manifest at all: removed, or a file of the format before manifests.
        var removed = AuditExportTampering.Without(file, "manifest");
        var missing = AuditExportTampering.Verify(removed, trusted).FirstProblem;
        Assert.NotNull(missing);
        Assert.StartsWith("no signed manifest", missing.What);
        Assert.Equal("no signed manifest: the manifest record was removed, so nothing shows that no complaint and no complaint's last events were left out of the export", missing.ToString());
        var version1 = AuditExportTampering.Edit(removed, "header", header => header["format"] = AuditChain.ExportFormatV1);
        var old = AuditExportTampering.Verify(version1, trusted).FirstProblem;
        Assert.NotNull(old);
        Assert.StartsWith("no signed manifest", old.What);
        Assert.Contains(AuditChain.ExportFormatV1, old.What);
    }
}
