using System.Text.Json.Nodes;
using Complaints.Contracts.Audit;

namespace Complaints.Tests.Unit;

/// <summary>
/// What someone holding an export file can do to it, line by line, without the signing key: the
/// unit and integration tests of the signed manifest apply these to a file and verify it.
/// </summary>
internal static class AuditExportTampering
{
    public static string Kind(string line) => JsonNode.Parse(line)!["record"]!.GetValue<string>();

    /// <summary>The indexes of a complaint's event lines, in file (sequence) order.</summary>
    public static List<int> EventLinesOf(IReadOnlyList<string> file, Guid complaint) =>
        [.. Enumerable.Range(0, file.Count).Where(i => Kind(file[i]) == "event" && JsonNode.Parse(file[i])!["stream"]!.GetValue<string>() == complaint.ToString("D"))];

    /// <summary>
    /// The link line that stands for an event line: the same seq, leaf and global seal, nothing of its
    /// content. The global chain through it is unchanged.
    /// </summary>
    public static string LinkFor(IReadOnlyList<string> file, int index)
    {
        var header = file.First(line => Kind(line) == "header");
        var e = AuditExportFile.Read(new[] { header, file[index] }).Events.Single();
        return $"{{\"record\":\"link\",\"seq\":{e.Event.Seq},\"leaf\":\"{AuditChain.Hex(AuditChain.Leaf(e.Event))}\",\"globalSeal\":\"{AuditChain.Hex(e.GlobalSeal!)}\"}}";
    }

    /// <summary>Drops a complaint: its events become links (so the global chain still holds) and the header no longer lists it.</summary>
    public static List<string> DropComplaint(IReadOnlyList<string> file, Guid complaint)
    {
        var tampered = file.ToList();
        foreach (var index in EventLinesOf(file, complaint)) tampered[index] = LinkFor(file, index);
        return RemoveFromHeader(tampered, complaint);
    }

    /// <summary>Hides a complaint's last event: its line becomes a link.</summary>
    public static List<string> LastEventToLink(IReadOnlyList<string> file, Guid complaint)
    {
        var tampered = file.ToList();
        var last = EventLinesOf(file, complaint)[^1];
        tampered[last] = LinkFor(file, last);
        return tampered;
    }

    public static List<string> RemoveFromHeader(IReadOnlyList<string> file, Guid complaint) => Edit(file, "header", header =>
    {
        var ids = header["complaints"]!.AsArray();
        Assert.True(ids.Remove(ids.First(id => id!.GetValue<string>() == complaint.ToString("D"))), $"{complaint} is not in the header");
    });

    /// <summary>Changes the first record of this kind (header, manifest…) as JSON.</summary>
    public static List<string> Edit(IReadOnlyList<string> file, string kind, Action<JsonObject> edit)
    {
        var tampered = file.ToList();
        var index = tampered.FindIndex(line => Kind(line) == kind);
        Assert.True(index >= 0, $"the file has no {kind} record");
        var record = JsonNode.Parse(tampered[index])!.AsObject();
        edit(record);
        tampered[index] = record.ToJsonString();
        return tampered;
    }

    public static List<string> Without(IReadOnlyList<string> file, string kind) => [.. file.Where(line => Kind(line) != kind)];

    /// <summary>Puts another manifest in place of the file's, written as an export writes one.</summary>
    public static List<string> ReplaceManifest(IReadOnlyList<string> file, ExportManifest manifest)
    {
        var tampered = file.ToList();
        var index = tampered.FindIndex(line => Kind(line) == "manifest");
        Assert.True(index >= 0, "the file has no manifest record");
        tampered[index] = AuditExportFile.Lines(new AuditBundle { Manifest = manifest }, "tamperer", DateTimeOffset.UtcNow).Single(line => Kind(line) == "manifest");
        return tampered;
    }

    public static VerificationResult Verify(IEnumerable<string> file, byte[]? trustedPublicKey) =>
        AuditVerifier.Verify(AuditExportFile.Read(file), trustedPublicKey);
}
