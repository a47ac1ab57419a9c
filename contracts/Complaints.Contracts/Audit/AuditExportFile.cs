using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Complaints.Contracts.Audit;

/// <summary>
/// The export file: JSON Lines, self-contained. A header, the signed manifest (which complaints the
/// export holds, each up to which version and chain head), the anchor (the global seal the walk
/// starts from), every event of the exported complaints as stored with its seals, a link (leaf and
/// seal only) for every other event in between, and the signed checkpoint that covers them.
/// docs/audit.md describes each record.
/// </summary>
public static class AuditExportFile
{
    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEnumerable<string> Lines(AuditBundle bundle, string exportedBy, DateTimeOffset exportedAt)
    {
        yield return Line(w =>
        {
            w.WriteString("record", "header");
            w.WriteString("format", AuditChain.ExportFormat);
            w.WriteString("scope", bundle.Scope);
            w.WriteString("exportedBy", exportedBy);
            w.WriteString("exportedAt", AuditChain.Timestamp(exportedAt));
            w.WriteStartArray("complaints");
            foreach (var id in bundle.Complaints) w.WriteStringValue(id);
            w.WriteEndArray();
        });
        if (bundle.Manifest is { } manifest)
        {
            yield return Line(w =>
            {
                w.WriteString("record", "manifest");
                w.WriteString("scope", manifest.Scope);
                w.WriteNumber("checkpointSeq", manifest.CheckpointSeq);
                w.WriteStartArray("complaints");
                foreach (var complaint in manifest.Complaints)
                {
                    w.WriteStartObject();
                    w.WriteString("id", complaint.ComplaintId);
                    w.WriteNumber("lastVersion", complaint.LastVersion);
                    w.WriteString("chainHead", AuditChain.Hex(complaint.ChainHead));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("signedAt", manifest.SignedAt);
                w.WriteString("keyId", manifest.KeyId);
                w.WriteString("algorithm", manifest.Algorithm);
                w.WriteString("publicKey", Convert.ToBase64String(manifest.PublicKey));
                w.WriteString("signature", Convert.ToBase64String(manifest.Signature));
            });
        }
        yield return Line(w =>
        {
            w.WriteString("record", "anchor");
            w.WriteNumber("seq", bundle.AnchorSeq);
            w.WriteString("globalSeal", AuditChain.Hex(bundle.AnchorSeal));
        });
        var events = bundle.Events.Select(e => (e.Event.Seq, Line: (object)e));
        // A sealed event no longer in the store is exported as what its seal says: the reader's checks then show the gap.
        var links = bundle.Links.Concat(bundle.Missing.Select(m => new ChainLink(m.Seq, m.Leaf, m.GlobalSeal))).Select(l => (l.Seq, Line: (object)l));
        foreach (var (_, item) in events.Concat(links).OrderBy(x => x.Seq))
        {
            yield return item switch
            {
                SealedEvent e => Line(w =>
                {
                    w.WriteString("record", "event");
                    w.WriteNumber("seq", e.Event.Seq);
                    w.WriteString("id", e.Event.Id);
                    w.WriteString("stream", e.Event.StreamId);
                    w.WriteNumber("version", e.Event.Version);
                    w.WriteString("type", e.Event.Type);
                    w.WriteString("timestamp", e.Event.Timestamp);
                    w.WritePropertyName("data");
                    w.WriteRawValue(CanonicalJson.Of(e.Event.DataJson), skipInputValidation: true);
                    w.WritePropertyName("headers");
                    if (e.Event.HeadersJson is null) w.WriteNullValue();
                    else w.WriteRawValue(CanonicalJson.Of(e.Event.HeadersJson), skipInputValidation: true);
                    w.WriteString("correlation", e.Event.CorrelationId);
                    w.WriteString("causation", e.Event.CausationId);
                    w.WriteString("streamSeal", e.StreamSeal is null ? null : AuditChain.Hex(e.StreamSeal));
                    w.WriteString("globalSeal", e.GlobalSeal is null ? null : AuditChain.Hex(e.GlobalSeal));
                }),
                ChainLink l => Line(w =>
                {
                    w.WriteString("record", "link");
                    w.WriteNumber("seq", l.Seq);
                    w.WriteString("leaf", AuditChain.Hex(l.Leaf));
                    w.WriteString("globalSeal", AuditChain.Hex(l.GlobalSeal));
                }),
                _ => throw new InvalidOperationException(),
            };
        }
        foreach (var c in bundle.Checkpoints)
        {
            yield return Line(w =>
            {
                w.WriteString("record", "checkpoint");
                w.WriteNumber("seq", c.Seq);
                w.WriteString("globalSeal", AuditChain.Hex(c.GlobalSeal));
                w.WriteString("signedAt", c.SignedAt);
                w.WriteString("keyId", c.KeyId);
                w.WriteString("algorithm", c.Algorithm);
                w.WriteString("publicKey", Convert.ToBase64String(c.PublicKey));
                w.WriteString("signature", Convert.ToBase64String(c.Signature));
            });
        }
    }

    private static string Line(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, Writer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads an export file from disk; a line that is not a valid record is reported with its number.</summary>
    public static AuditBundle ReadFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var lines = new List<ReadOnlyMemory<byte>>();
        var start = 0;
        while (start < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) end = bytes.Length;
            lines.Add(new ReadOnlyMemory<byte>(bytes, start, end - start));
            start = end + 1;
        }
        return Read(lines);
    }

    /// <summary>Reads an export file's lines; a line that is not a valid record is reported with its number.</summary>
    public static AuditBundle Read(IEnumerable<string> lines) => Read(lines.Select(l => new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(l))).ToList());

    private static AuditBundle Read(List<ReadOnlyMemory<byte>> all)
    {
        // Lines parse independently: spread over the cores, then assembled in file order.
        var records = new object?[all.Count];
        try
        {
            Parallel.For(0, all.Count, i => records[i] = Parse(all[i], i + 1));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.OfType<FormatException>().FirstOrDefault() is { } first)
        {
            throw first;
        }
        var bundle = new AuditBundle();
        var sawHeader = false;
        foreach (var record in records)
        {
            switch (record)
            {
                case Header header:
                    bundle.FileFormat = header.Format;
                    bundle.Scope = header.Scope;
                    bundle.Complaints.AddRange(header.Complaints);
                    sawHeader = true;
                    break;
                case ExportManifest manifest:
                    if (bundle.Manifest is not null) throw new FormatException("the file holds more than one manifest record");
                    bundle.Manifest = manifest;
                    break;
                case (long seq, byte[] seal): bundle.AnchorSeq = seq; bundle.AnchorSeal = seal; break;
                case SealedEvent e: bundle.Events.Add(e); break;
                case ChainLink l: bundle.Links.Add(l); break;
                case Checkpoint c: bundle.Checkpoints.Add(c); break;
            }
        }
        if (!sawHeader) throw new FormatException($"no header record: not a {AuditChain.ExportFormat} file");
        return bundle;
    }

    private static object? Parse(ReadOnlyMemory<byte> line, int number)
    {
        if (line.Span.Trim(" \r\t"u8).IsEmpty) return null;
        try
        {
            using var document = JsonDocument.Parse(line);
            var r = document.RootElement;
            switch (r.GetProperty("record").GetString())
            {
                case "header":
                    // A version 1 file is still read: the verifier then says it has no signed manifest.
                    var format = r.GetProperty("format").GetString() ?? "";
                    if (format != AuditChain.ExportFormat && format != AuditChain.ExportFormatV1)
                        throw new FormatException($"format {format} is not {AuditChain.ExportFormat}");
                    return new Header(format, r.GetProperty("scope").GetString() ?? "", r.GetProperty("complaints").EnumerateArray().Select(id => id.GetGuid()).ToList());
                case "manifest":
                    return new ExportManifest(
                        Text(r, "scope"),
                        r.GetProperty("complaints").EnumerateArray()
                            .Select(c => new ManifestEntry(c.GetProperty("id").GetGuid(), c.GetProperty("lastVersion").GetInt64(), Convert.FromHexString(Text(c, "chainHead"))))
                            .ToList(),
                        r.GetProperty("checkpointSeq").GetInt64(), Text(r, "signedAt"), Text(r, "keyId"), Text(r, "algorithm"),
                        Convert.FromBase64String(Text(r, "publicKey")), Convert.FromBase64String(Text(r, "signature")));
                case "anchor":
                    return (r.GetProperty("seq").GetInt64(), Bytes(r, "globalSeal")!);
                case "event":
                    var headers = r.GetProperty("headers");
                    return new SealedEvent(
                        new RecordedEvent(
                            r.GetProperty("seq").GetInt64(), r.GetProperty("id").GetGuid(), r.GetProperty("stream").GetGuid(),
                            r.GetProperty("version").GetInt64(), r.GetProperty("type").GetString()!, r.GetProperty("timestamp").GetString()!,
                            r.GetProperty("data").GetRawText(), headers.ValueKind == JsonValueKind.Null ? null : headers.GetRawText(),
                            r.GetProperty("correlation").GetString(), r.GetProperty("causation").GetString()) { JsonIsCanonical = true },
                        Bytes(r, "streamSeal"), Bytes(r, "globalSeal"));
                case "link":
                    return new ChainLink(r.GetProperty("seq").GetInt64(), Bytes(r, "leaf")!, Bytes(r, "globalSeal")!);
                case "checkpoint":
                    return new Checkpoint(
                        r.GetProperty("seq").GetInt64(), Bytes(r, "globalSeal")!, r.GetProperty("signedAt").GetString()!,
                        r.GetProperty("keyId").GetString()!, r.GetProperty("algorithm").GetString()!,
                        Convert.FromBase64String(r.GetProperty("publicKey").GetString()!), Convert.FromBase64String(r.GetProperty("signature").GetString()!));
                default:
                    throw new FormatException("unknown record kind");
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"line {number} is not a valid audit record: {ex.Message}", ex);
        }
    }

    private static byte[]? Bytes(JsonElement record, string name) =>
        record.GetProperty(name).GetString() is { } hex ? Convert.FromHexString(hex) : null;

    private static string Text(JsonElement record, string name) =>
        record.GetProperty(name).GetString() ?? throw new FormatException($"{name} is null");

    private sealed record Header(string Format, string Scope, List<Guid> Complaints);
}
