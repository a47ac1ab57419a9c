namespace Complaints.Routing.RouteComplaint;

/// <summary>
/// The walking skeleton's routing rule: complaints that reached a regulator go to the team that
/// answers regulators; everything else to general customer care. Triage replaces this with
/// configured rules.
/// </summary>
public static class TeamRule
{
    public const string RegulatorLiaison = "regulator-liaison";
    public const string CustomerCare = "customer-care";

    public static (string Team, string Rule) Pick(string channel) => channel switch
    {
        "regulator_hotline" => (RegulatorLiaison, "channel=regulator_hotline -> regulator-liaison"),
        _ => (CustomerCare, "default -> customer-care"),
    };
}
