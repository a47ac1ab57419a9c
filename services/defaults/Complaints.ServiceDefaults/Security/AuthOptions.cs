namespace Complaints.ServiceDefaults.Security;

/// <summary>
/// How the services validate bearer tokens (configuration section <c>Complaints:Auth</c>): the
/// issuer's address (OIDC discovery and JWKS are read from it and cached), the audience tokens
/// must be issued for, and which claims carry the subject, the role and the team. Production
/// points <see cref="Authority"/> at the company's identity provider (Keycloak, Entra ID, Okta...).
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Complaints:Auth";

    /// <summary>The issuer, e.g. https://login.example.com/realms/complaints/. Required.</summary>
    public string Authority { get; set; } = "";

    public string Audience { get; set; } = "complaints";

    /// <summary>Only a local development issuer on loopback may be plain http.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public string SubjectClaim { get; set; } = "sub";

    /// <summary>Keycloak puts realm roles in "realm_access.roles"; map them to a flat claim (a protocol mapper) named here.</summary>
    public string RoleClaim { get; set; } = "role";

    public string TeamClaim { get; set; } = "team";

    /// <summary>Tolerated clock difference between the issuer and the services.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
