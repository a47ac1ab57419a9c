using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Complaints.Desk.Access;

/// <summary>
/// Keeps a signed-in person's access token fresh with their refresh token: on each request to the
/// desk (the session cookie) and inside a long-lived circuit (<see cref="DeskSession"/>). When the
/// issuer no longer refreshes it (the person was removed, the session revoked), the session ends.
/// </summary>
public sealed class TokenRefresher(IOptionsMonitor<OpenIdConnectOptions> oidcOptions, IHttpClientFactory httpClients, TimeProvider clock, ILogger<TokenRefresher> logger)
{
    /// <summary>Refreshed this long before expiry, so a call made just before never carries an expired token.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(2);

    public sealed record Tokens(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt);

    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var expiresAt = context.Properties.GetTokenValue("expires_at");
        if (expiresAt is null || !DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires)) return;
        if (expires - clock.GetUtcNow() > Margin) return;
        // Pages and downloads only: the Blazor connection and static files must not each spend the
        // same refresh token at once (an IdP that rotates refresh tokens would see reuse).
        if (context.HttpContext.Request.Path.StartsWithSegments("/_blazor") || context.HttpContext.Request.Path.StartsWithSegments("/_framework")
            || context.HttpContext.Request.Path.StartsWithSegments("/_content")) return;

        Tokens? refreshed;
        try
        {
            refreshed = await RefreshAsync(context.Properties.GetTokenValue("refresh_token"), context.HttpContext.RequestAborted);
        }
        catch (IssuerUnavailableException)
        {
            // The issuer is away: the session stands while its token is valid; after that, sign in again.
            if (expires > clock.GetUtcNow()) return;
            refreshed = null;
        }
        if (refreshed is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        context.Properties.UpdateTokenValue("access_token", refreshed.AccessToken);
        if (refreshed.RefreshToken is not null) context.Properties.UpdateTokenValue("refresh_token", refreshed.RefreshToken);
        context.Properties.UpdateTokenValue("expires_at", refreshed.ExpiresAt.ToString("o", CultureInfo.InvariantCulture));
        context.ShouldRenew = true;
    }

    /// <summary>New tokens for <paramref name="refreshToken"/>, or null when the issuer refuses (the session is over).</summary>
    /// <summary>The issuer could not be asked (down, slow, or an answer that is not a token response).</summary>
    public sealed class IssuerUnavailableException(string message, Exception inner) : Exception(message, inner);

    public async Task<Tokens?> RefreshAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(refreshToken)) return null;
        try
        {
            return await RefreshCoreAsync(refreshToken, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException
                                   && !cancellationToken.IsCancellationRequested)
        {
            throw new IssuerUnavailableException("The identity provider could not refresh the session just now; try again", ex);
        }
    }

    private async Task<Tokens?> RefreshCoreAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var options = oidcOptions.Get(OpenIdConnectDefaults.AuthenticationScheme);
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        using var http = httpClients.CreateClient(nameof(TokenRefresher));
        using var response = await http.PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = options.ClientId!,
            ["client_secret"] = options.ClientSecret!,
        }), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogInformation("The issuer refused to refresh a session ({Status}); it ends", (int)response.StatusCode);
            return null;
        }
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = body.RootElement;
        var lifetime = root.TryGetProperty("expires_in", out var seconds) ? TimeSpan.FromSeconds(seconds.GetInt32()) : TimeSpan.FromMinutes(5);
        return new Tokens(
            root.GetProperty("access_token").GetString()!,
            root.TryGetProperty("refresh_token", out var rolled) ? rolled.GetString() : refreshToken,
            clock.GetUtcNow() + lifetime);
    }
}
