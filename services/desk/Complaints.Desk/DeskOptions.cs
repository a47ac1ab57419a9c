using System.ComponentModel.DataAnnotations;

namespace Complaints.Desk;

/// <summary>Where the desk signs people in and which services it calls (section <c>Desk</c>).</summary>
public sealed class DeskOptions
{
    public const string Section = "Desk";

    /// <summary>The OpenID Connect authority: the local issuer in development, the company's IdP in production.</summary>
    [Required, Url] public string Authority { get; set; } = "";
    [Required] public string ClientId { get; set; } = "desk";
    [Required] public string ClientSecret { get; set; } = "";
    /// <summary>The scope that gives access tokens the services' audience.</summary>
    [Required] public string ApiScope { get; set; } = "complaints";
    public bool RequireHttpsMetadata { get; set; } = true;

    [Required, Url] public string Intake { get; set; } = "";
    [Required, Url] public string Routing { get; set; } = "";
    [Required, Url] public string Resolution { get; set; } = "";
    [Required, Url] public string Followup { get; set; } = "";
    /// <summary>The relay's audit API (it alone holds the audit signing key).</summary>
    [Required, Url] public string Audit { get; set; } = "";

    /// <summary>A folder shared by the desk's replicas for ASP.NET Core Data Protection keys (cookies and circuits); in memory when empty.</summary>
    public string? DataProtectionKeys { get; set; }

    /// <summary>The claims carrying the person's id, role and team (the services' Complaints:Auth settings name the same).</summary>
    [Required] public string SubjectClaim { get; set; } = "sub";
    [Required] public string RoleClaim { get; set; } = "role";
    [Required] public string TeamClaim { get; set; } = "team";

    /// <summary>How long one call to a service may take before the person is told to try again.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
