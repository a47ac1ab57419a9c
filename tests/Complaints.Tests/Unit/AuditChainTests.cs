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

    private static AuditBundle RoundTrip(AuditBundle bundle) =>
        AuditExportFile.Read(AuditExportFile.Lines(bundle, "auditor-01", DateTimeOffset.UtcNow).ToList());

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
        var bundle = Sealed(key, Event(1, A, 1), Event(2, B, 1), Event(3, A, 2), Event(5, A, 3));
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
}
