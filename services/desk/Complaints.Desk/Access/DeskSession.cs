using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Complaints.Desk.Access;

/// <summary>
/// The signed-in person inside one circuit (one open desk tab): who they are and the access token
/// the desk calls the services with. Taken from the circuit's own connection (the session cookie it
/// was opened with), kept on the server, refreshed before it expires; never sent to the browser.
/// </summary>
public sealed class DeskSession(TokenRefresher refresher, TimeProvider clock)
{
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private TokenRefresher.Tokens? tokens;

    public ClaimsPrincipal User { get; private set; } = new(new ClaimsIdentity());
    public string Subject => DeskHost.SubjectOf(User);
    public string Role => DeskHost.RoleOf(User);
    public string? Team => DeskHost.TeamOf(User);
    public bool IsSignedIn => tokens is not null;

    /// <summary>Reads the person and their tokens from the request that opened (or reconnected) the circuit.</summary>
    public async Task AdoptAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync();
        var access = result.Succeeded ? result.Properties?.GetTokenValue("access_token") : null;
        // Signed out meanwhile (in another tab), or another person signed in on this browser: this
        // circuit's session is over; its calls fail as "sign in again" and nothing of theirs is used.
        if (access is null || (tokens is not null && DeskHost.SubjectOf(result.Principal!) != Subject))
        {
            tokens = null;
            User = new ClaimsPrincipal(new ClaimsIdentity());
            return;
        }
        var properties = result.Properties!;
        var expires = DateTimeOffset.TryParse(properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at : clock.GetUtcNow().AddMinutes(5);
        User = result.Principal!;
        tokens = new TokenRefresher.Tokens(access, properties.GetTokenValue("refresh_token"), expires);
    }

    /// <summary>An access token that is valid for a while yet; null when the session is over (sign in again).</summary>
    public async Task<string?> AccessTokenAsync(CancellationToken cancellationToken)
    {
        var current = tokens;
        if (current is null) return null;
        if (current.ExpiresAt - clock.GetUtcNow() > TokenRefresher.Margin) return current.AccessToken;
        await refreshing.WaitAsync(cancellationToken);
        try
        {
            if (tokens is { } again && again.ExpiresAt - clock.GetUtcNow() > TokenRefresher.Margin) return again.AccessToken;
            try
            {
                tokens = await refresher.RefreshAsync(current.RefreshToken, cancellationToken);
            }
            catch (TokenRefresher.IssuerUnavailableException ex)
            {
                // The issuer is away: the token is kept (it may still be valid a while) and the person is told to try again.
                throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, ex.Message));
            }
            return tokens?.AccessToken;
        }
        finally
        {
            refreshing.Release();
        }
    }
}

/// <summary>Hands the circuit's connection (with the session cookie) to <see cref="DeskSession"/> when the circuit opens or reconnects.</summary>
public sealed class SessionCircuitHandler(DeskSession session, IHttpContextAccessor http) : CircuitHandler
{
    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (http.HttpContext is { } context) await session.AdoptAsync(context);
    }
}
