using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Complaints.Contracts.Audit;

/// <summary>
/// An event exactly as the event store holds it: what a seal covers. Data and headers are the
/// stored JSON (personal data in it is ciphertext, so erasing a customer changes nothing here).
/// </summary>
public sealed record RecordedEvent(
    long Seq, Guid Id, Guid StreamId, long Version, string Type, string Timestamp,
    string DataJson, string? HeadersJson, string? CorrelationId, string? CausationId)
{
    /// <summary>
    /// Data and headers are already in canonical form (read from an export file, which writes them
    /// so): they are hashed byte for byte. Any other spelling, even of the same values, no longer matches.
    /// </summary>
    public bool JsonIsCanonical { get; init; }
}

/// <summary>
/// The hash chains that make a complaint's history tamper-evident. Each committed event gets a
/// leaf, SHA-256 over its canonical form (sequence, id, stream, version, type, time, data and
/// metadata). Two chains link the leaves: per complaint in version order, and across the whole
/// store in sequence order; each seal is SHA-256 over the previous seal and the leaf. Changing,
/// deleting, inserting or reordering an event changes a leaf or breaks a link; rewriting every
/// later seal to hide it is caught by the signed checkpoints of the global chain's head.
/// </summary>
public static class AuditChain
{
    /// <summary>The export file's format: version 2 carries a signed manifest (<see cref="ExportManifest"/>).</summary>
    public const string ExportFormat = "complaints-audit-export/2";
    /// <summary>Files written before exports carried a manifest: still read, and refused by the verifier for want of one.</summary>
    public const string ExportFormatV1 = "complaints-audit-export/1";
    public const string SignatureAlgorithm = "ECDSA-P256-SHA256";

    /// <summary>The "previous seal" of the first event of a chain.</summary>
    public static byte[] Genesis => new byte[32];

    /// <summary>Timestamps are hashed as UTC with microseconds, PostgreSQL's precision.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string Canonical(RecordedEvent e)
    {
        var text = new StringBuilder(e.DataJson.Length + 512);
        text.Append("{\"causation\":"); Optional(e.CausationId, text);
        text.Append(",\"correlation\":"); Optional(e.CorrelationId, text);
        text.Append(",\"data\":").Append(e.JsonIsCanonical ? e.DataJson : CanonicalJson.Of(e.DataJson));
        text.Append(",\"headers\":").Append(e.HeadersJson is null ? "null" : e.JsonIsCanonical ? e.HeadersJson : CanonicalJson.Of(e.HeadersJson));
        text.Append(",\"id\":\"").Append(e.Id.ToString("D")).Append('"');
        text.Append(",\"seq\":").Append(e.Seq.ToString(CultureInfo.InvariantCulture));
        text.Append(",\"stream\":\"").Append(e.StreamId.ToString("D")).Append('"');
        text.Append(",\"timestamp\":"); CanonicalJson.String(e.Timestamp, text);
        text.Append(",\"type\":"); CanonicalJson.String(e.Type, text);
        text.Append(",\"version\":").Append(e.Version.ToString(CultureInfo.InvariantCulture));
        text.Append('}');
        return text.ToString();
    }

    private static void Optional(string? value, StringBuilder text)
    {
        if (value is null) text.Append("null");
        else CanonicalJson.String(value, text);
    }

    public static byte[] Leaf(RecordedEvent e) => SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(e)));

    public static byte[] Link(ReadOnlySpan<byte> previousSeal, ReadOnlySpan<byte> leaf)
    {
        Span<byte> both = stackalloc byte[previousSeal.Length + leaf.Length];
        previousSeal.CopyTo(both);
        leaf.CopyTo(both[previousSeal.Length..]);
        return SHA256.HashData(both);
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}

/// <summary>A signed statement that the global chain's seal at <see cref="Seq"/> was <see cref="GlobalSeal"/>.</summary>
public sealed record Checkpoint(long Seq, byte[] GlobalSeal, string SignedAt, string KeyId, string Algorithm, byte[] PublicKey, byte[] Signature)
{
    /// <summary>What is signed: the canonical statement, never the row as stored.</summary>
    public static byte[] Statement(long seq, byte[] globalSeal, string signedAt, string keyId, string algorithm)
    {
        var text = new StringBuilder();
        text.Append("{\"algorithm\":"); CanonicalJson.String(algorithm, text);
        text.Append(",\"keyId\":"); CanonicalJson.String(keyId, text);
        text.Append(",\"seal\":\"").Append(AuditChain.Hex(globalSeal)).Append('"');
        text.Append(",\"seq\":").Append(seq.ToString(CultureInfo.InvariantCulture));
        text.Append(",\"signedAt\":"); CanonicalJson.String(signedAt, text);
        text.Append('}');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static Checkpoint Sign(long seq, byte[] globalSeal, DateTimeOffset at, string keyId, ECDsa key)
    {
        var signedAt = AuditChain.Timestamp(at);
        var signature = key.SignData(Statement(seq, globalSeal, signedAt, keyId, AuditChain.SignatureAlgorithm), HashAlgorithmName.SHA256);
        return new Checkpoint(seq, globalSeal, signedAt, keyId, AuditChain.SignatureAlgorithm, key.ExportSubjectPublicKeyInfo(), signature);
    }

    public bool SignatureHolds()
    {
        if (Algorithm != AuditChain.SignatureAlgorithm) return false;
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(PublicKey, out _);
            return key.VerifyData(Statement(Seq, GlobalSeal, SignedAt, KeyId, Algorithm), Signature, HashAlgorithmName.SHA256);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
