using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.ServiceDefaults.PersonalData;

/// <summary>
/// Envelope encryption of customers' personal data. Each customer has a random 256-bit data key
/// (<see cref="CustomerDataKey"/>), stored wrapped under a key-encryption key; each personal value
/// is sealed with AES-GCM under its customer's data key as
/// <c>pd1.{kind}.{data key id}.{base64url(nonce | ciphertext | tag)}</c>, with the prefix as
/// associated data. Events, documents and messages carry only that; services reveal it in memory.
/// Unwrapped data keys are cached for <see cref="PersonalDataOptions.KeyCacheDuration"/>.
/// </summary>
public sealed class PersonalDataProtector
{
    public const string Erased = "[erased]";
    private const string Prefix = "pd1.";
    private const int NonceSize = 12, TagSize = 16, KeySize = 32;

    private readonly IDocumentStore store;
    private readonly TimeProvider clock;
    private readonly PersonalDataOptions options;
    private readonly Dictionary<string, byte[]> keks;
    private readonly ConcurrentDictionary<Guid, (byte[] Key, DateTimeOffset Until)> cache = new();

    public PersonalDataProtector(IDocumentStore store, TimeProvider clock, IOptions<PersonalDataOptions> options)
    {
        this.store = store;
        this.clock = clock;
        this.options = options.Value;
        keks = this.options.KeyEncryptionKeys.ToDictionary(k => k.Key, k => DecodeKek(k.Key, k.Value));
        if (keks.Count == 0 || !keks.ContainsKey(this.options.ActiveKeyId))
            throw new InvalidOperationException(
                $"{PersonalDataOptions.Section}: set ActiveKeyId and KeyEncryptionKeys:<id> (base64 of 32 random bytes) to encrypt customers' personal data (docs/security.md)");
    }

    public static bool IsProtected(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// The customer's data key: <paramref name="stored"/> (read with <see cref="CustomerDataKeyOf"/>,
    /// so a caller can read it in one round trip with its other reads), or a new one created in
    /// <paramref name="session"/> (committed with the caller's other changes) when they have none yet.
    /// </summary>
    public CustomerCipher KeyForCustomer(IDocumentSession session, string customerId, CustomerDataKey? stored)
    {
        if (stored is not null) return new CustomerCipher(stored.Id, Unwrap(stored));

        var (document, cipher) = NewKey(customerId);
        session.Insert(document);
        return cipher;
    }

    /// <summary>
    /// A new data key for a customer who has none, wrapped under the active key-encryption key: the
    /// document to store and its cipher. Callers store it (a session, or a bulk load of history).
    /// </summary>
    public (CustomerDataKey Document, CustomerCipher Cipher) NewKey(string customerId)
    {
        var dataKey = RandomNumberGenerator.GetBytes(KeySize);
        var document = new CustomerDataKey
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            CustomerId = customerId,
            KekId = options.ActiveKeyId,
            CreatedAt = clock.GetUtcNow(),
        };
        document.WrappedKey = Wrap(document.Id, dataKey);
        return (document, new CustomerCipher(document.Id, dataKey));
    }

    /// <summary>The cipher of an existing data key; FailedPrecondition when the customer's data was erased.</summary>
    public async Task<CustomerCipher> CipherAsync(Guid keyId, CancellationToken cancellationToken) =>
        await DataKeyAsync(keyId, cancellationToken) is { } key
            ? new CustomerCipher(keyId, key)
            : throw new RpcException(new Status(StatusCode.FailedPrecondition,
                "The customer's personal data was erased; nothing personal can be recorded for this complaint any more"));

    /// <summary>The ciphers of these data keys, those not cached read in <paramref name="session"/> in one round trip; a destroyed key (erased data) has none.</summary>
    public async Task<IReadOnlyDictionary<Guid, CustomerCipher>> CiphersAsync(IQuerySession session, IEnumerable<Guid> keyIds, CancellationToken cancellationToken)
    {
        var ciphers = new Dictionary<Guid, CustomerCipher>();
        var missing = new List<Guid>();
        foreach (var keyId in keyIds.Distinct())
            if (CachedKey(keyId) is { } cached) ciphers[keyId] = new CustomerCipher(keyId, cached);
            else missing.Add(keyId);
        if (missing.Count == 0) return ciphers;
        var stored = (await session.LoadManyAsync<CustomerDataKey>(cancellationToken, missing)).ToDictionary(k => k.Id);
        foreach (var keyId in missing)
            if (Remember(keyId, stored.GetValueOrDefault(keyId)) is { } key) ciphers[keyId] = new CustomerCipher(keyId, key);
        return ciphers;
    }

    /// <summary>The plaintext of a sealed value, or <see cref="Erased"/> when its key was destroyed. Plain values pass through.</summary>
    public async Task<string> RevealAsync(string value, CancellationToken cancellationToken)
    {
        if (!TryParse(value, out _, out var keyId)) return value;
        return await DataKeyAsync(keyId, cancellationToken) is { } key ? Open(value, key) : Erased;
    }

    /// <summary>Reveals in clear, or masked for a role that does not need personal data.</summary>
    public async Task<string> DiscloseAsync(string value, bool inClear, CancellationToken cancellationToken)
    {
        var plain = await RevealAsync(value, cancellationToken);
        if (inClear || plain == Erased || !TryParse(value, out var kind, out _)) return plain;
        return Mask(kind, plain);
    }

    /// <summary>Discloses every sealed string inside a JSON document (an event as shown in a history).</summary>
    public async Task<JsonNode?> DiscloseJsonAsync(JsonNode? node, bool inClear, CancellationToken cancellationToken)
    {
        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var text) && IsProtected(text):
                return JsonValue.Create(await DiscloseAsync(text, inClear, cancellationToken));
            // In place: only sealed strings are replaced (a history holds thousands of nodes; copying each costs).
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is JsonObject or JsonArray) await DiscloseJsonAsync(child, inClear, cancellationToken);
                    else if (child is JsonValue v && v.TryGetValue<string>(out var sealedText) && IsProtected(sealedText))
                        obj[name] = JsonValue.Create(await DiscloseAsync(sealedText, inClear, cancellationToken));
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject or JsonArray) await DiscloseJsonAsync(array[i], inClear, cancellationToken);
                    else if (array[i] is JsonValue v && v.TryGetValue<string>(out var sealedText) && IsProtected(sealedText))
                        array[i] = JsonValue.Create(await DiscloseAsync(sealedText, inClear, cancellationToken));
                }
                return array;
            default:
                return node;
        }
    }

    /// <summary>Masks a value so that it can be recognised but not read: 王**, 138****0004, l***@example.com.</summary>
    public static string Mask(PersonalField kind, string plain)
    {
        if (plain.Length == 0) return plain;
        switch (kind)
        {
            case PersonalField.Name:
                var first = char.IsSurrogate(plain[0]) && plain.Length > 1 ? plain[..2] : plain[..1];
                return first + new string('*', Math.Max(2, plain.Length - first.Length));
            case PersonalField.Phone:
                var digits = new string(plain.Where(char.IsAsciiDigit).ToArray());
                // The national number (a mobile number has 11 digits in China): a country code tells nothing.
                if (digits.Length > 11) digits = digits[^11..];
                return digits.Length < 8 ? new string('*', digits.Length) : digits[..3] + new string('*', digits.Length - 7) + digits[^4..];
            case PersonalField.Email:
                var at = plain.IndexOf('@');
                return at <= 0 ? "***" : plain[..1] + "***" + plain[at..];
            case PersonalField.Reference:
                return plain.Length <= 4 ? new string('*', plain.Length) : new string('*', plain.Length - 4) + plain[^4..];
            default:
                return $"[masked: {plain.Length} characters]";
        }
    }

    /// <summary>Destroys the customer's data key: every value sealed with it reads as erased from now on.</summary>
    public async Task<Guid?> DestroyKeyAsync(IDocumentSession session, string customerId, CancellationToken cancellationToken)
    {
        var existing = await session.Query<CustomerDataKey>().Where(k => k.CustomerId == customerId).FirstOrDefaultAsync(cancellationToken);
        if (existing is null) return null;
        session.HardDelete(existing);
        cache.TryRemove(existing.Id, out _);
        return existing.Id;
    }

    /// <summary>
    /// Reveals a sealed value whose key is read in <paramref name="reads"/>, a round trip the caller
    /// makes anyway (a writer reading the stream); the plaintext, or <see cref="Erased"/>, once it has run.
    /// </summary>
    public Func<Task<string>> RevealAlongside(Marten.Services.BatchQuerying.IBatchedQuery reads, string value)
    {
        if (!TryParse(value, out _, out var keyId)) return () => Task.FromResult(value);
        if (CachedKey(keyId) is { } cached) return () => Task.FromResult(Open(value, cached));
        var loading = reads.Load<CustomerDataKey>(keyId);
        return async () => Remember(keyId, await loading) is { } key ? Open(value, key) : Erased;
    }

    private async Task<byte[]?> DataKeyAsync(Guid keyId, CancellationToken cancellationToken)
    {
        if (CachedKey(keyId) is { } cached) return cached;
        await using var query = store.QuerySession();
        return Remember(keyId, await query.LoadAsync<CustomerDataKey>(keyId, cancellationToken));
    }

    private byte[]? CachedKey(Guid keyId) =>
        cache.TryGetValue(keyId, out var cached) && cached.Until > clock.GetUtcNow() ? cached.Key : null;

    /// <summary>The key of a document just read, kept for a while; none when it was destroyed.</summary>
    private byte[]? Remember(Guid keyId, CustomerDataKey? document)
    {
        if (document is null)
        {
            cache.TryRemove(keyId, out _);
            return null;
        }
        var key = Unwrap(document);
        cache[keyId] = (key, clock.GetUtcNow() + options.KeyCacheDuration);
        return key;
    }

    private byte[] Wrap(Guid keyId, byte[] dataKey)
    {
        var kek = keks[options.ActiveKeyId];
        var output = new byte[NonceSize + KeySize + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(kek, TagSize);
        aes.Encrypt(nonce, dataKey, output.AsSpan(NonceSize, KeySize), output.AsSpan(NonceSize + KeySize), keyId.ToByteArray());
        return output;
    }

    private byte[] Unwrap(CustomerDataKey document)
    {
        if (!keks.TryGetValue(document.KekId, out var kek))
            throw new InvalidOperationException($"Data key {document.Id} is wrapped with key-encryption key '{document.KekId}', which is not configured");
        var key = new byte[KeySize];
        using var aes = new AesGcm(kek, TagSize);
        var wrapped = document.WrappedKey;
        try
        {
            aes.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize, KeySize), wrapped.AsSpan(NonceSize + KeySize), key, document.Id.ToByteArray());
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidOperationException(
                $"Data key {document.Id} does not unwrap with the configured key-encryption key '{document.KekId}': the key configured under that id is not the one it was wrapped with");
        }
        return key;
    }

    internal static string Seal(Guid keyId, byte[] key, PersonalField kind, string plaintext)
    {
        if (plaintext.Length == 0) return plaintext;
        var header = $"{Prefix}{(int)kind}.{keyId:N}.";
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Encoding.ASCII.GetBytes(header));
        return header + Base64Url.EncodeToString(sealedBytes);
    }

    private static string Open(string value, byte[] key)
    {
        var lastDot = value.LastIndexOf('.');
        var header = value[..(lastDot + 1)];
        var sealedBytes = Base64Url.DecodeFromChars(value.AsSpan(lastDot + 1));
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), plain,
            Encoding.ASCII.GetBytes(header));
        return Encoding.UTF8.GetString(plain);
    }

    private static bool TryParse(string value, out PersonalField kind, out Guid keyId)
    {
        kind = default; keyId = default;
        if (!IsProtected(value)) return false;
        var parts = value.Split('.');
        if (parts.Length != 4 || !int.TryParse(parts[1], out var k) || !Enum.IsDefined((PersonalField)k) || !Guid.TryParseExact(parts[2], "N", out keyId))
            return false;
        kind = (PersonalField)k;
        return true;
    }

    private static byte[] DecodeKek(string id, string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        if (bytes.Length != KeySize) throw new InvalidOperationException($"Key-encryption key '{id}' must be 32 bytes (base64), not {bytes.Length}");
        return bytes;
    }
}

/// <summary>A customer's unwrapped data key, for sealing the values of one command.</summary>
public sealed class CustomerCipher(Guid keyId, byte[] key)
{
    public Guid KeyId => keyId;

    public string Protect(PersonalField kind, string plaintext) => PersonalDataProtector.Seal(keyId, key, kind, plaintext);

    /// <summary>
    /// A stable stand-in for an identifying value (an order or account reference), keyed with the
    /// customer's data key: equal values of one customer compare equal (repeat complaints are still
    /// recognised), nobody can recover the value, and erasing the key leaves nothing to link.
    /// </summary>
    public string Pseudonym(string value) =>
        Base64Url.EncodeToString(System.Security.Cryptography.HMACSHA256.HashData(key, System.Text.Encoding.UTF8.GetBytes("subject:" + value)).AsSpan(0, 16));
}

/// <summary>
/// A customer's data key, as a compiled query: every filing asks it, and Marten then translates its
/// LINQ once per process instead of once per call (docs/benchmark.md).
/// </summary>
public sealed class CustomerDataKeyOf : Marten.Linq.ICompiledQuery<CustomerDataKey, CustomerDataKey?>
{
    public string CustomerId { get; set; } = "";

    public System.Linq.Expressions.Expression<Func<Marten.Linq.IMartenQueryable<CustomerDataKey>, CustomerDataKey?>> QueryIs() =>
        keys => keys.FirstOrDefault(k => k.CustomerId == CustomerId);
}
