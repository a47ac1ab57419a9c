using Complaints.Domain.Rules;
using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Complaints.ServiceDefaults.Security;

/// <summary>
/// Who makes the call, as the validated bearer token proves it: the person's or system's id
/// (subject), its role and, for agents and supervisors, its team. Requests never say who acts.
/// </summary>
public sealed record Caller(string Subject, string Role, string? Team)
{
    public bool Is(string role) => Role == role;

    public bool SeesPersonalData => Roles.SeesPersonalData(Role);

    /// <summary>The caller of a gRPC call; the authorisation policies already admitted it.</summary>
    public static Caller Of(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var options = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
        return From(http.User, options);
    }

    public static Caller From(ClaimsPrincipal user, AuthOptions options)
    {
        var subject = user.FindFirst(options.SubjectClaim)?.Value;
        var roles = user.FindAll(options.RoleClaim).Select(c => c.Value).Where(Roles.All.Contains).Distinct().ToList();
        if (string.IsNullOrWhiteSpace(subject))
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"The token has no '{options.SubjectClaim}' claim naming who acts"));
        // One role per identity keeps every decision explainable; a person with two jobs gets two identities.
        if (roles.Count != 1)
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"The token must carry exactly one known role in '{options.RoleClaim}' ({string.Join(", ", Roles.All)}); it carries {roles.Count}"));
        var team = user.FindFirst(options.TeamClaim)?.Value;
        return new Caller(subject, roles[0], string.IsNullOrWhiteSpace(team) ? null : team);
    }

    /// <summary>Refuses (PermissionDenied at the edge) with a reason when <paramref name="allowed"/> is false.</summary>
    public void Require(bool allowed, string reason) => Rejection.RequireAllowed(allowed, $"{Role} {Subject}: {reason}");
}
