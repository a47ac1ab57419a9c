using System.Security.Claims;
using System.Security.Cryptography;
using Complaints.Client;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Complaints.Identity;

/// <summary>
/// A real OpenID Connect issuer (OpenIddict) for development and tests: discovery, JWKS, the OAuth 2.0
/// client-credentials grant for the demo identities of <c>eng/dev-identities.json</c>, and for people
/// the authorization code flow with PKCE and refresh tokens, behind a sign-in page (the desk uses it).
/// Access tokens are signed JWTs (not encrypted) carrying <c>sub</c>, <c>role</c> and, for agents and
/// supervisors, <c>team</c>, for the audience the services expect: the same for a machine and a
/// person. No database: clients come from the file (OpenIddict's degraded mode), and the signing key
/// lives in memory unless a test gives one. Never deploy it: production points the services and the
/// desk at the company's identity provider.
/// </summary>
public static class IdentityHost
{
    public const string TeamClaim = "team";
    /// <summary>The issuer's own sign-in session (a cookie on the issuer's origin, not the desk's).</summary>
    public const string SignInScheme = "issuer-sign-in";

    /// <param name="signingKey">A key to sign with (tests mint their own hostile tokens with it); ephemeral when null.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, RsaSecurityKey? signingKey = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var identities = DevIdentityFile.Load(builder.Configuration["Identity:File"] ?? DevIdentityFile.Locate());
        var lifetime = builder.Configuration.GetValue("Identity:AccessTokenLifetime", TimeSpan.FromHours(1));

        builder.Services.AddSingleton(identities);
        builder.Services.AddAntiforgery(options => options.Cookie.Name = "complaints-issuer-antiforgery");
        builder.Services.AddAuthentication(SignInScheme).AddCookie(SignInScheme, options =>
        {
            options.Cookie.Name = "complaints-issuer";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/account/sign-in";
            options.ExpireTimeSpan = TimeSpan.FromHours(10);
        });
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetTokenEndpointUris("connect/token")
                .SetAuthorizationEndpointUris("connect/authorize")
                .SetEndSessionEndpointUris("connect/logout");
            options.AllowClientCredentialsFlow().AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
            options.RequireProofKeyForCodeExchange();
            options.RegisterScopes(identities.Scope, Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess);
            options.SetAccessTokenLifetime(lifetime);
            if (signingKey is null) options.AddEphemeralSigningKey();
            else options.AddSigningKey(signingKey);
            options.AddEphemeralEncryptionKey();
            // The services validate the JWT themselves against the JWKS; an encrypted token would need the issuer's key.
            options.DisableAccessTokenEncryption();
            // No application store: the demo clients come from the file and are checked below.
            options.EnableDegradedMode();
            options.UseAspNetCore().DisableTransportSecurityRequirement()
                .EnableAuthorizationEndpointPassthrough().EnableEndSessionEndpointPassthrough();

            options.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (identities.FindInteractive(context.ClientId) is null)
                    context.Reject(Errors.InvalidClient, "Unknown client");
                else if (!IsDeskCallback(context.RedirectUri, "/signin-oidc"))
                    context.Reject(Errors.InvalidRequest, "The redirect_uri is not a registered callback");
                return default;
            }));

            options.AddEventHandler<OpenIddictServerEvents.ValidateEndSessionRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.PostLogoutRedirectUri is not null && !IsDeskCallback(context.PostLogoutRedirectUri, "/signout-callback-oidc"))
                    context.Reject(Errors.InvalidRequest, "The post_logout_redirect_uri is not a registered callback");
                return default;
            }));

            options.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                var secret = identities.Find(context.ClientId)?.ClientSecret ?? identities.FindInteractive(context.ClientId)?.ClientSecret;
                if (secret is null || context.ClientSecret is null ||
                    !CryptographicOperations.FixedTimeEquals(
                        System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(context.ClientSecret)))
                {
                    context.Reject(Errors.InvalidClient, "Unknown client or wrong secret");
                }
                else if (context.Request.IsClientCredentialsGrantType() && identities.Find(context.ClientId) is null)
                {
                    context.Reject(Errors.UnauthorizedClient, "This client signs people in; it has no identity of its own");
                }
                return default;
            }));

            options.AddEventHandler<OpenIddictServerEvents.HandleTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.Request.IsClientCredentialsGrantType())
                {
                    var client = identities.Find(context.Request.ClientId)!;
                    var identity = IdentityOf(client, identities);
                    identity.SetScopes(identities.Scope);
                    context.SignIn(new ClaimsPrincipal(identity));
                    return default;
                }

                // A code or refresh token: re-read the person, so a removed person or a changed role
                // takes effect at the next refresh (at most one access-token lifetime later).
                var person = identities.FindPerson(context.Principal?.GetClaim(Claims.Subject));
                if (person is null)
                {
                    context.Reject(Errors.InvalidGrant, "This person may no longer sign in");
                    return default;
                }
                var refreshed = IdentityOf(person, identities);
                refreshed.SetScopes(context.Principal!.GetScopes());
                context.SignIn(new ClaimsPrincipal(refreshed));
                return default;
            }));
        });

        var app = builder.Build();
        app.UseAuthentication();
        app.MapGet("/", () => Results.Text(
            "Complaints development issuer: POST /connect/token with grant_type=client_credentials; people sign in through /connect/authorize (code + PKCE); discovery at /.well-known/openid-configuration\n"));
        MapSignIn(app, identities);
        return app;
    }

    /// <summary>ASP.NET Core's IsLocalUrl rules: "/" not followed by "/" or "\\", no control characters.</summary>
    private static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl);

    /// <summary>Development only: the desk runs on a loopback address whose port tests choose.</summary>
    private static bool IsDeskCallback(string? uri, string path) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsLoopback && parsed.AbsolutePath == path;

    private static ClaimsIdentity IdentityOf(DevIdentityFile.Client client, DevIdentityFile identities)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client.Subject)
            .SetClaim(Claims.Name, client.Subject)
            .SetClaim(Claims.Role, client.Role)
            .SetClaim(Claims.ClientId, client.ClientId);
        if (client.Team is not null) identity.SetClaim(TeamClaim, client.Team);
        identity.SetResources(identities.Audience);
        // Who the person is also goes to the desk in the identity token; everything goes to the services.
        identity.SetDestinations(claim => claim.Type is Claims.Subject or Claims.Name or Claims.Role or TeamClaim
            ? [Destinations.AccessToken, Destinations.IdentityToken]
            : [Destinations.AccessToken]);
        return identity;
    }

    private static void MapSignIn(WebApplication app, DevIdentityFile identities)
    {
        // The authorization endpoint: a signed-in person gets a code for the desk; anyone else signs in first.
        app.MapMethods("/connect/authorize", ["GET", "POST"], async (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request");
            var session = await http.AuthenticateAsync(SignInScheme);
            var person = session.Succeeded ? identities.FindPerson(session.Principal?.FindFirst(Claims.Subject)?.Value) : null;
            if (person is null || request.HasPromptValue(PromptValues.Login))
            {
                // Back to this request once signed in, without prompt=login (it would ask again, for ever).
                var parameters = (http.Request.HasFormContentType ? http.Request.Form.ToList() : http.Request.Query.ToList())
                    .Where(p => p.Key != Parameters.Prompt);
                var back = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters);
                return Results.Challenge(new AuthenticationProperties { RedirectUri = back }, [SignInScheme]);
            }
            var identity = IdentityOf(person, identities);
            identity.SetScopes(request.GetScopes().Intersect([Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess, identities.Scope]));
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });

        app.MapMethods("/connect/logout", ["GET", "POST"], async (HttpContext http) =>
        {
            await http.SignOutAsync(SignInScheme);
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });

        app.MapGet("/account/sign-in", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
            SignInPage(http, antiforgery, returnUrl, failed: false));

        app.MapPost("/account/sign-in", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest("The form expired; reload the page and sign in again.");
            var form = await http.Request.ReadFormAsync();
            var returnUrl = form["returnUrl"].ToString();
            var person = identities.FindPerson(form["username"].ToString());
            var password = form["password"].ToString();
            if (person is null || !CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(person.Password!), System.Text.Encoding.UTF8.GetBytes(password)))
            {
                return SignInPage(http, antiforgery, returnUrl, failed: true);
            }
            var identity = new ClaimsIdentity(SignInScheme, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, person.Subject));
            identity.AddClaim(new Claim(Claims.Name, person.Subject));
            await http.SignInAsync(SignInScheme, new ClaimsPrincipal(identity));
            // Only back into this issuer (the authorization endpoint), never to another site.
            return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/");
        });
    }

    private static IResult SignInPage(HttpContext http, IAntiforgery antiforgery, string? returnUrl, bool failed)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var encode = System.Text.Encodings.Web.HtmlEncoder.Default;
        var error = failed ? """<p role="alert" class="error">Wrong user name or password. 用户名或密码错误。</p>""" : "";
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · Complaints</title>
            <style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;font-size:1rem}button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}.error{color:#b00020}</style>
            </head>
            <body><main>
            <h1>Sign in 登录</h1>
            <p>Complaints development issuer: demo people only (eng/dev-identities.json).</p>
            {{error}}
            <form method="post" action="/account/sign-in">
            <input type="hidden" name="{{encode.Encode(tokens.FormFieldName)}}" value="{{encode.Encode(tokens.RequestToken ?? "")}}">
            <input type="hidden" name="returnUrl" value="{{encode.Encode(returnUrl ?? "/")}}">
            <label for="username">User name 用户名</label><input id="username" name="username" autocomplete="username" required>
            <label for="password">Password 密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in 登录</button>
            </form>
            </main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: failed ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK);
    }
}
