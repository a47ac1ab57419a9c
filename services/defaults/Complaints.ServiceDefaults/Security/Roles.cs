namespace Complaints.ServiceDefaults.Security;

/// <summary>
/// The roles a token's role claim may name (docs/security.md has the matrix of who may call
/// what). Constants, because <c>[Authorize(Roles = ...)]</c> needs them at compile time.
/// </summary>
public static class Roles
{
    public const string Channel = "channel";
    public const string Agent = "agent";
    public const string Supervisor = "supervisor";
    public const string Manager = "manager";
    public const string Committee = "committee";
    public const string Analyst = "analyst";
    public const string PrivacyOfficer = "privacy_officer";
    public const string Auditor = "auditor";

    public static readonly IReadOnlyList<string> All = [Channel, Agent, Supervisor, Manager, Committee, Analyst, PrivacyOfficer, Auditor];

    /// <summary>Staff who work cases: the agent it is assigned to, the team's supervisor, managers and the committee.</summary>
    public const string CaseWorkers = Agent + "," + Supervisor + "," + Manager + "," + Committee;

    /// <summary>Roles that approve remedies, each up to its configured limit.</summary>
    public const string Approvers = Supervisor + "," + Manager + "," + Committee;

    /// <summary>Staff who read complaints and their history (auditors read everything, change nothing).</summary>
    public const string Readers = CaseWorkers + "," + Analyst + "," + PrivacyOfficer + "," + Auditor;

    /// <summary>Who reads management figures: KPIs, improvement actions.</summary>
    public const string Reporting = Supervisor + "," + Manager + "," + Committee + "," + Analyst + "," + Auditor;

    /// <summary>
    /// Whether a role reads customers' personal data in clear. Analysts work on patterns, not
    /// people, so they see it masked; every other role allowed to read a complaint needs the customer's words.
    /// </summary>
    public static bool SeesPersonalData(string role) => role != Analyst;
}
