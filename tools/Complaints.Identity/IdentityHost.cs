using System.Security.Claims;
using System.Security.Cryptography;
using Complaints.Client;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Complaints.Identity;

/// <summary>
/// A real OpenID Connect issuer (OpenIddict) for development and tests: discovery, JWKS and the
/// OAuth 2.0 client-credentials grant for the demo identities of <c>eng/dev-identities.json</c>.
/// Access tokens are signed JWTs (not encrypted) carrying <c>sub</c>, <c>role</c> and, for agents and
/// supervisors, <c>team</c>, for the audience the services expect. No database: clients come from
/// the file (OpenIddict's degraded mode), and the signing key lives in memory unless a test gives one.
/// Never deploy it: production points the services at the company's identity provider.
/// </summary>
public static class IdentityHost
{
    public const string TeamClaim = "team";

    /// <param name="signingKey">A key to sign with (tests mint their own hostile tokens with it); ephemeral when null.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, RsaSecurityKey? signingKey = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var identities = DevIdentityFile.Load(builder.Configuration["Identity:File"] ?? DevIdentityFile.Locate());
        var lifetime = builder.Configuration.GetValue("Identity:AccessTokenLifetime", TimeSpan.FromHours(1));

        builder.Services.AddSingleton(identities);
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetTokenEndpointUris("connect/token");
            options.AllowClientCredentialsFlow();
            options.RegisterScopes(identities.Scope);
            options.SetAccessTokenLifetime(lifetime);
            if (signingKey is null) options.AddEphemeralSigningKey();
            else options.AddSigningKey(signingKey);
            options.AddEphemeralEncryptionKey();
            // The services validate the JWT themselves against the JWKS; an encrypted token would need the issuer's key.
            options.DisableAccessTokenEncryption();
            // No application store: the demo clients come from the file and are checked below.
            options.EnableDegradedMode();
            options.UseAspNetCore().DisableTransportSecurityRequirement();

            options.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                var client = identities.Find(context.ClientId);
                if (client is null || context.ClientSecret is null ||
                    !CryptographicOperations.FixedTimeEquals(
                        System.Text.Encoding.UTF8.GetBytes(client.ClientSecret), System.Text.Encoding.UTF8.GetBytes(context.ClientSecret)))
                {
                    context.Reject(Errors.InvalidClient, "Unknown client or wrong secret");
                }
                return default;
            }));

            options.AddEventHandler<OpenIddictServerEvents.HandleTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                var client = identities.Find(context.Request.ClientId)!;
                var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
                identity.SetClaim(Claims.Subject, client.Subject)
                    .SetClaim(Claims.Name, client.Subject)
                    .SetClaim(Claims.Role, client.Role)
                    .SetClaim(Claims.ClientId, client.ClientId);
                if (client.Team is not null) identity.SetClaim(TeamClaim, client.Team);
                identity.SetScopes(identities.Scope);
                identity.SetResources(identities.Audience);
                identity.SetDestinations(_ => [Destinations.AccessToken]);
                context.SignIn(new ClaimsPrincipal(identity));
                return default;
            }));
        });

        var app = builder.Build();
        app.MapGet("/", () => Results.Text(
            "Complaints development issuer: POST /connect/token with grant_type=client_credentials; discovery at /.well-known/openid-configuration\n"));
        return app;
    }
}
