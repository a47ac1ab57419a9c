using System.Text.Json;
using System.Text.Json.Serialization;

namespace Complaints.Client;

/// <summary>
/// Reads <c>eng/dev-identities.json</c> (development only) so the CLI, the load generator and the
/// tests can get tokens for the demo identities from the local issuer.
/// </summary>
public sealed record DevIdentityFile(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("audience")] string Audience,
    [property: JsonPropertyName("clients")] IReadOnlyList<DevIdentityFile.Client> Clients,
    [property: JsonPropertyName("interactive_clients")] IReadOnlyList<DevIdentityFile.InteractiveClient>? InteractiveClients = null)
{
    /// <summary>A machine or person. People (any role but channel) also have a demo password to sign in to the desk with their subject.</summary>
    public sealed record Client(
        [property: JsonPropertyName("client_id")] string ClientId,
        [property: JsonPropertyName("client_secret")] string ClientSecret,
        [property: JsonPropertyName("role")] string Role,
        [property: JsonPropertyName("subject")] string Subject,
        [property: JsonPropertyName("team")] string? Team = null,
        [property: JsonPropertyName("password")] string? Password = null);

    /// <summary>An application people sign in to (the desk): authorization code with PKCE, refresh tokens.</summary>
    public sealed record InteractiveClient(
        [property: JsonPropertyName("client_id")] string ClientId,
        [property: JsonPropertyName("client_secret")] string ClientSecret);

    public InteractiveClient? FindInteractive(string? clientId) => InteractiveClients?.FirstOrDefault(c => c.ClientId == clientId);

    /// <summary>The person who signs in with this user name (their subject), if they may sign in.</summary>
    public Client? FindPerson(string? userName) => Clients.FirstOrDefault(c => c.Subject == userName && c.Password is not null);

    public static DevIdentityFile Load(string path)
    {
        var file = JsonSerializer.Deserialize<DevIdentityFile>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} holds no identities");
        var duplicate = file.Clients.GroupBy(c => c.ClientId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidDataException($"{path}: client_id {duplicate.Key} appears twice");
        return file;
    }

    public Client? Find(string? clientId) => Clients.FirstOrDefault(c => c.ClientId == clientId);

    /// <summary>Finds eng/dev-identities.json from the working directory or the binary's folder upwards.</summary>
    public static string Locate()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "eng", "dev-identities.json"))) return Path.Combine(dir.FullName, "eng", "dev-identities.json");
        throw new FileNotFoundException("eng/dev-identities.json not found");
    }

    public Client this[string clientId] => Find(clientId)
                                           ?? throw new KeyNotFoundException($"No demo identity {clientId} in dev-identities.json");

    /// <summary>Credentials for one demo identity against <paramref name="issuer"/> (default: the file's).</summary>
    public ClientCredentials Credentials(HttpClient http, string clientId, Uri? issuer = null)
    {
        var client = this[clientId];
        return new ClientCredentials(http, issuer ?? new Uri(Issuer), client.ClientId, client.ClientSecret, Scope);
    }
}
