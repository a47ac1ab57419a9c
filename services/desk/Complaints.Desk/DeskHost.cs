using System.Security.Claims;
using Complaints.Desk.Access;
using Complaints.Desk.Calls;
using Complaints.Desk.Components;
using Complaints.Desk.Exports;
using Complaints.Desk.Live;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Complaints.Desk;

/// <summary>
/// The desk: a backend for the browser. People sign in with OpenID Connect (authorization code with
/// PKCE); their tokens stay on the server (in the encrypted, HttpOnly session cookie and the
/// circuit), and every screen reads and acts through the services' gRPC APIs with the signed-in
/// person's access token, so the services' rules (roles, own cases, own team, approval limits,
/// wording, the personal-data read log) hold here without being written twice.
/// </summary>
public static class DeskHost
{
    public const string CookieName = "complaints-desk";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        // Static assets of packages (MudBlazor, the Blazor script) when run from a build rather than
        // a publish; a published desk serves them from its wwwroot and this finds no manifest.
        builder.WebHost.UseStaticWebAssets();

        builder.Services.AddOptions<DeskOptions>().Bind(builder.Configuration.GetSection(DeskOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(DeskOptions.Section).Get<DeskOptions>() ?? new DeskOptions();
        Claims = options;

        builder.Services.TryAddSingletonTimeProvider();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddCascadingAuthenticationState();

        var keys = builder.Services.AddDataProtection().SetApplicationName("complaints-desk");
        if (!string.IsNullOrWhiteSpace(options.DataProtectionKeys)) keys.PersistKeysToFileSystem(new DirectoryInfo(options.DataProtectionKeys));

        builder.Services.AddAuthentication(auth =>
            {
                auth.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                auth.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(10);
                cookie.SlidingExpiration = false;
                cookie.AccessDeniedPath = "/denied";
            })
            .AddOpenIdConnect(oidc =>
            {
                oidc.Authority = options.Authority;
                oidc.ClientId = options.ClientId;
                oidc.ClientSecret = options.ClientSecret;
                oidc.RequireHttpsMetadata = options.RequireHttpsMetadata;
                oidc.ResponseType = "code";
                oidc.UsePkce = true;
                oidc.SaveTokens = true;
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "offline_access", options.ApiScope }) oidc.Scope.Add(scope);
                oidc.TokenValidationParameters.NameClaimType = options.SubjectClaim;
                oidc.TokenValidationParameters.RoleClaimType = options.RoleClaim;
            });
        // The session ends when the access token can no longer be refreshed.
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<TokenRefresher>();
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<TokenRefresher>((cookie, refresher) => cookie.Events.OnValidatePrincipal = refresher.ValidateAsync);
        builder.Services.AddAuthorization();

        builder.Services.AddSingleton<ServiceChannels>();
        builder.Services.AddScoped<DeskSession>();
        builder.Services.AddScoped<DeskCalls>();
        builder.Services.AddScoped<CircuitHandler, SessionCircuitHandler>();
        builder.Services.AddScoped<Words.Words>();

        builder.AddLiveChanges();

        builder.Services.AddHealthChecks();
        var otlp = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(otlp))
        {
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService("desk"))
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/healthz"))
                    // The calls to the services (gRPC over HttpClient), so a person's action and the services' work share one trace.
                    .AddSource("System.Net.Http")
                    .AddSource("MassTransit")
                    .AddOtlpExporter())
                .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation().AddMeter("MassTransit").AddOtlpExporter())
                .WithLogging(logging => logging.AddOtlpExporter(), options => options.IncludeFormattedMessage = true);
        }

        var app = builder.Build();
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.Map("/error", () => Results.Problem("Something went wrong in the desk; it has been logged. Reload the page.")).AllowAnonymous();
        app.MapHealthChecks("/healthz/live").AllowAnonymous();
        app.MapHealthChecks("/healthz/ready").AllowAnonymous();
        app.MapStaticAssets().AllowAnonymous();

        app.MapGet("/account/sign-in", (string? returnUrl) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) }, [OpenIdConnectDefaults.AuthenticationScheme]))
            .AllowAnonymous();
        app.MapPost("/account/sign-out", async (HttpContext http, IAntiforgery antiforgery) =>
                // A form of the desk's own page only (its anti-forgery token), never a cross-site post.
                await antiforgery.IsRequestValidAsync(http)
                    ? Results.SignOut(new AuthenticationProperties { RedirectUri = "/" },
                        [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme])
                    : Results.BadRequest("The page expired; reload it and sign out again."))
            .RequireAuthorization();
        app.MapGet("/language/{language}", (string language, string? returnUrl, HttpContext http) =>
        {
            http.Response.Cookies.Append(Words.Words.CookieName, Words.Words.Normalize(language),
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, MaxAge = TimeSpan.FromDays(365) });
            return Results.LocalRedirect(LocalOnly(returnUrl));
        }).RequireAuthorization();
        app.MapExports();

        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization();
        return app;
    }

    /// <summary>
    /// A path of this site, or "/": ASP.NET Core's IsLocalUrl rules (a leading "/" not followed by
    /// "/" or "\", no control characters, which browsers strip to turn "/\t/evil" into "//evil").
    /// </summary>
    public static string LocalOnly(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl) ? url : "/";

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (services.All(s => s.ServiceType != typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }

    /// <summary>The claims naming the person, their role and their team (configurable: an IdP may name them otherwise).</summary>
    public static DeskOptions Claims { get; private set; } = new();

    /// <summary>The person's role and team as the token states them (the services decide again on every call).</summary>
    public static string RoleOf(ClaimsPrincipal user) => user.FindFirst(Claims.RoleClaim)?.Value ?? "";
    public static string? TeamOf(ClaimsPrincipal user) => user.FindFirst(Claims.TeamClaim)?.Value;
    public static string SubjectOf(ClaimsPrincipal user) => user.FindFirst(Claims.SubjectClaim)?.Value ?? "";
}
