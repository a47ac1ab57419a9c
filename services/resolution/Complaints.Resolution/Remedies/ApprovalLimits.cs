using Complaints.ServiceDefaults.Security;

namespace Complaints.Resolution.Remedies;

/// <summary>
/// The most each role may grant without a higher authority (configuration section
/// <c>Complaints:ApprovalLimits</c>), agreed in writing with management in advance. The
/// committee has no limit: "above N, the board decides".
/// </summary>
public sealed class ApprovalLimits
{
    public const string Section = "Complaints:ApprovalLimits";

    public string Currency { get; set; } = "CNY";
    public decimal Agent { get; set; } = 200;
    public decimal Supervisor { get; set; } = 1000;
    public decimal Manager { get; set; } = 5000;

    /// <summary>The most <paramref name="role"/> (a token role) may grant; nothing for roles that grant no remedies.</summary>
    public decimal LimitOf(string role) => role switch
    {
        Roles.Agent => Agent,
        Roles.Supervisor => Supervisor,
        Roles.Manager => Manager,
        Roles.Committee => decimal.MaxValue,
        _ => 0,
    };

    /// <summary>The lowest role that may grant <paramref name="amount"/>.</summary>
    public string LowestRoleFor(decimal amount) =>
        new[] { Roles.Agent, Roles.Supervisor, Roles.Manager, Roles.Committee }.First(role => amount <= LimitOf(role));
}
