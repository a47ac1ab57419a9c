using System.Security.Cryptography;
using Complaints.Contracts.Audit;
using Complaints.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Audit;

public sealed class AuditOptions
{
    public const string Section = "Complaints:Audit";
    /// <summary>The checkpoint signing key: an ECDSA P-256 private key, PKCS#8, base64 (from a Secret).</summary>
    public string SigningKey { get; set; } = "";
    public string SigningKeyId { get; set; } = "k1";
    /// <summary>How often the daemon instance signs the global chain's head (when it moved).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>
    /// How often the sealer looks for newly committed events when it has caught up: each look that
    /// finds some is a transaction, so events are sealed in pages of a second's commits.
    /// </summary>
    public TimeSpan SealPollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long an export or verification waits for the newest events to be sealed.</summary>
    public TimeSpan SealWait { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Signs checkpoints of the global chain's head, and exports' manifests, with the configured key.</summary>
public sealed class CheckpointSigner : IDisposable
{
    private readonly AuditStore audit;
    private readonly TimeProvider clock;
    private readonly ECDsa key;
    private readonly string keyId;

    public CheckpointSigner(AuditStore audit, IOptions<AuditOptions> options, TimeProvider clock)
    {
        this.audit = audit;
        this.clock = clock;
        keyId = options.Value.SigningKeyId;
        if (KeyProblem(options.Value) is { } problem)
            throw new InvalidOperationException(
                $"{AuditOptions.Section}:SigningKey is unusable ({problem}): give an ECDSA P-256 private key, PKCS#8 in base64 " +
                "(openssl ecparam -name prime256v1 -genkey -noout -outform DER | openssl pkcs8 -topk8 -nocrypt -inform DER -outform DER | base64 -w0)");
        key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(options.Value.SigningKey), out _);
    }

    /// <summary>What is wrong with the configured key, or null when it is a usable ECDSA private key.</summary>
    public static string? KeyProblem(AuditOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.SigningKey)) return "not set";
        try
        {
            using var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(options.SigningKey), out _);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return ex.Message;
        }
    }

    /// <summary>The public key (SubjectPublicKeyInfo) auditors verify checkpoints with.</summary>
    public byte[] PublicKey => key.ExportSubjectPublicKeyInfo();

    /// <summary>A checkpoint at or after <paramref name="atLeast"/>: an existing one, or the head signed now.</summary>
    public async Task<Checkpoint?> CoveringAsync(long atLeast, CancellationToken cancellationToken)
    {
        if (await audit.CheckpointCoveringAsync(atLeast, cancellationToken) is { } existing) return existing;
        if (await audit.HeadAsync(cancellationToken) is not { } head || head.Seq < atLeast) return null;
        var checkpoint = Checkpoint.Sign(head.Seq, head.GlobalSeal, clock.GetUtcNow(), keyId, key);
        await audit.SaveCheckpointAsync(checkpoint, cancellationToken);
        return await audit.CheckpointCoveringAsync(atLeast, cancellationToken);
    }

    /// <summary>
    /// Signs an export's manifest now: its scope, each complaint's last version and chain head, and
    /// the checkpoint its chain ends at (0 when it has none).
    /// </summary>
    public ExportManifest SignManifest(string scope, IEnumerable<ManifestEntry> complaints, long checkpointSeq) =>
        ExportManifest.Sign(scope, complaints, checkpointSeq, clock.GetUtcNow(), keyId, key);

    /// <summary>Signs the head unless a checkpoint already covers it.</summary>
    public async Task SignHeadAsync(CancellationToken cancellationToken)
    {
        if (await audit.HeadAsync(cancellationToken) is { } head) await CoveringAsync(head.Seq, cancellationToken);
    }

    public void Dispose() => key.Dispose();
}

/// <summary>In the daemon instance: signs the head every interval, so tampering is caught even without exports.</summary>
public sealed class PeriodicCheckpoints(CheckpointSigner signer, RelayLeader leader, IOptions<AuditOptions> options, TimeProvider clock, ILogger<PeriodicCheckpoints> logger)
    : BackgroundService
{
    // Only the relay's leading replica signs (RelayLeader).
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leader.WhileLeadingAsync(SignPeriodicallyAsync, stoppingToken);

    private async Task SignPeriodicallyAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CheckpointInterval;
        if (interval <= TimeSpan.Zero) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
                await signer.SignHeadAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Signing the audit checkpoint failed; retrying at the next interval");
            }
        }
    }
}
