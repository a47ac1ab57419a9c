using Complaints.Contracts.Resolution.V1;

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

    public decimal LimitOf(Role role) => role switch
    {
        Role.Agent => Agent,
        Role.Supervisor => Supervisor,
        Role.Manager => Manager,
        Role.Committee => decimal.MaxValue,
        _ => 0,
    };

    /// <summary>The lowest role that may grant <paramref name="amount"/>.</summary>
    public Role LowestRoleFor(decimal amount) =>
        new[] { Role.Agent, Role.Supervisor, Role.Manager, Role.Committee }.First(role => amount <= LimitOf(role));

    public static string Name(Role role) => role.ToString().ToLowerInvariant();
}
