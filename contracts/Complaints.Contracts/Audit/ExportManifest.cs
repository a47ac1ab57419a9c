using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Complaints.Contracts.Audit;

/// <summary>
/// One exported complaint as the store held it at export: its last version, and its chain's head
/// (the stream seal of that version). A complaint with no sealed event has version 0 and the
/// genesis head.
/// </summary>
public sealed record ManifestEntry(Guid ComplaintId, long LastVersion, byte[] ChainHead);

/// <summary>
/// What an export holds, signed at export with the audit key (as checkpoints are): its scope, each
/// complaint with its last version and chain head, and the checkpoint the export's global chain ends
/// at. Without it a file could lose a complaint, or a complaint's last events, and still verify:
/// their events can be turned into links without breaking the global chain.
/// </summary>
public sealed record ExportManifest(
    string Scope, IReadOnlyList<ManifestEntry> Complaints, long CheckpointSeq,
    string SignedAt, string KeyId, string Algorithm, byte[] PublicKey, byte[] Signature)
{
    /// <summary>
    /// What is signed: the canonical statement
    /// {"algorithm","checkpointSeq","complaints":[{"chainHead","id","lastVersion"}…],"keyId","scope","signedAt"},
    /// never the record as written.
    /// </summary>
    public static byte[] Statement(string scope, IReadOnlyList<ManifestEntry> complaints, long checkpointSeq, string signedAt, string keyId, string algorithm)
    {
        var text = new StringBuilder(256 + complaints.Count * 160);
        text.Append("{\"algorithm\":"); CanonicalJson.String(algorithm, text);
        text.Append(",\"checkpointSeq\":").Append(checkpointSeq.ToString(CultureInfo.InvariantCulture));
        text.Append(",\"complaints\":[");
        for (var i = 0; i < complaints.Count; i++)
        {
            var complaint = complaints[i];
            if (i > 0) text.Append(',');
            text.Append("{\"chainHead\":\"").Append(AuditChain.Hex(complaint.ChainHead)).Append('"');
            text.Append(",\"id\":\"").Append(complaint.ComplaintId.ToString("D")).Append('"');
            text.Append(",\"lastVersion\":").Append(complaint.LastVersion.ToString(CultureInfo.InvariantCulture));
            text.Append('}');
        }
        text.Append("],\"keyId\":"); CanonicalJson.String(keyId, text);
        text.Append(",\"scope\":"); CanonicalJson.String(scope, text);
        text.Append(",\"signedAt\":"); CanonicalJson.String(signedAt, text);
        text.Append('}');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static ExportManifest Sign(string scope, IEnumerable<ManifestEntry> complaints, long checkpointSeq, DateTimeOffset at, string keyId, ECDsa key)
    {
        var entries = complaints.ToList();
        var signedAt = AuditChain.Timestamp(at);
        var signature = key.SignData(Statement(scope, entries, checkpointSeq, signedAt, keyId, AuditChain.SignatureAlgorithm), HashAlgorithmName.SHA256);
        return new ExportManifest(scope, entries, checkpointSeq, signedAt, keyId, AuditChain.SignatureAlgorithm, key.ExportSubjectPublicKeyInfo(), signature);
    }

    public bool SignatureHolds()
    {
        if (Algorithm != AuditChain.SignatureAlgorithm) return false;
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(PublicKey, out _);
            return key.VerifyData(Statement(Scope, Complaints, CheckpointSeq, SignedAt, KeyId, Algorithm), Signature, HashAlgorithmName.SHA256);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
