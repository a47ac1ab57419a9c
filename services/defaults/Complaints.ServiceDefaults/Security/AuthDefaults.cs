using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Complaints.ServiceDefaults.Security;

public static class AuthDefaults
{
    /// <summary>
    /// Bearer-token authentication on every RPC (JwtBearer against <see cref="AuthOptions.Authority"/>),
    /// authenticated callers by default, and the role of each RPC from its <c>[Authorize(Roles)]</c>.
    /// Refusals answer as gRPC statuses: Unauthenticated or PermissionDenied, with the reason.
    /// </summary>
    public static WebApplicationBuilder AddComplaintsAuth(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AuthOptions.Section);
        builder.Services.AddOptions<AuthOptions>().Bind(section)
            .Validate(o => o.Audience.Length > 0 && o.SubjectClaim.Length > 0 && o.RoleClaim.Length > 0 && o.TeamClaim.Length > 0,
                $"{AuthOptions.Section}: Audience, SubjectClaim, RoleClaim and TeamClaim must be set")
            .Validate(o => o.ClockSkew >= TimeSpan.Zero, $"{AuthOptions.Section}:ClockSkew cannot be negative")
            .ValidateOnStart();
        var auth = section.Get<AuthOptions>() ?? new AuthOptions();
        if (string.IsNullOrWhiteSpace(auth.Authority))
            throw new InvalidOperationException(
                $"{AuthOptions.Section}:Authority is not set: name the OpenID Connect issuer whose tokens this service accepts (docs/security.md)");

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.Authority = auth.Authority;
            jwt.Audience = auth.Audience;
            jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            // Keep the claim names as the issuer wrote them ("sub", "role"), not the WS-* URIs.
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidAudience = auth.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = auth.ClockSkew,
                NameClaimType = auth.SubjectClaim,
                RoleClaimType = auth.RoleClaim,
            };
        });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();
        return builder;
    }

    /// <summary>
    /// Writes authentication and authorisation refusals as gRPC trailers-only responses, so
    /// clients see Unauthenticated or PermissionDenied with a reason rather than a bare HTTP 401/403.
    /// </summary>
    private sealed class GrpcAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler fallback = new();

        public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
        {
            if (result.Succeeded || !(IsGrpc(context) || IsTranscoded(context)))
            {
                await fallback.HandleAsync(next, context, policy, result);
                return;
            }
            if (result.Challenged)
            {
                // The bearer handler keeps its result for the request, so this does not validate the token again.
                var failure = (await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.AuthenticateAsync(context)).Failure;
                var why = failure switch
                {
                    null => "no bearer token was sent",
                    SecurityTokenExpiredException => "the token has expired",
                    SecurityTokenInvalidAudienceException => "the token was issued for another audience",
                    SecurityTokenInvalidIssuerException => "the token comes from another issuer",
                    SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature does not verify",
                    _ => "the token is not valid",
                };
                await RefuseAsync(context, Grpc.Core.StatusCode.Unauthenticated, $"A valid bearer token is required: {why}");
                return;
            }
            var allowed = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
                .SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct().ToList() ?? [];
            var options = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
            var role = string.Join(", ", context.User.FindAll(options.RoleClaim).Select(c => c.Value));
            await RefuseAsync(context, Grpc.Core.StatusCode.PermissionDenied,
                $"The role '{(role.Length == 0 ? "(none)" : role)}' may not call {context.Request.Path}; allowed: {string.Join(", ", allowed)}");
        }

        private static bool IsGrpc(HttpContext context) =>
            context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

        /// <summary>A call to the HTTP API (a transcoded route): refused as JSON transcoding refuses, with a google.rpc.Status body.</summary>
        private static bool IsTranscoded(HttpContext context) =>
            context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Grpc.JsonTranscoding.GrpcJsonTranscodingMetadata>() is not null;

        private static Task RefuseAsync(HttpContext context, Grpc.Core.StatusCode code, string message)
        {
            if (!IsTranscoded(context) && IsGrpc(context))
            {
                GrpcCalls.GrpcRefusal.Write(context, code, message);
                return Task.CompletedTask;
            }
            return GrpcCalls.GrpcRefusal.WriteJsonAsync(context, code, message);
        }
    }
}
