using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Complaints.Client;

/// <summary>
/// Gets access tokens with the OAuth 2.0 client-credentials grant, as a channel system or any
/// other caller of the platform does: the token endpoint from the issuer's OIDC discovery
/// document, and the token reused until shortly before it expires.
/// </summary>
public sealed class ClientCredentials(HttpClient http, Uri issuer, string clientId, string clientSecret, string scope)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? token;
    private DateTimeOffset renewAt;
    private Uri? tokenEndpoint;

    public string ClientId => clientId;

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        if (token is not null && DateTimeOffset.UtcNow < renewAt) return token;
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (token is not null && DateTimeOffset.UtcNow < renewAt) return token;
            tokenEndpoint ??= (await http.GetFromJsonAsync<Discovery>(new Uri(issuer, ".well-known/openid-configuration"), cancellationToken))?.TokenEndpoint
                              ?? throw new InvalidOperationException($"{issuer} publishes no token endpoint");
            using var response = await http.PostAsync(tokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = clientSecret,
                ["scope"] = scope,
            }), cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"The issuer refused client {clientId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
            var issued = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                         ?? throw new InvalidOperationException("The issuer answered without a token");
            token = issued.AccessToken;
            renewAt = DateTimeOffset.UtcNow.AddSeconds(Math.Max(1, issued.ExpiresIn - 60));
            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    private sealed record Discovery([property: JsonPropertyName("token_endpoint")] Uri TokenEndpoint);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
