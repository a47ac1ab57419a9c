using Complaints.ServiceDefaults;

namespace Complaints.Resolution.Cases;

public static class Text
{
    public const int MaxMessageLength = 4000;

    /// <summary>Checks a required free-text field before anything is loaded.</summary>
    public static void Require(params (string Field, string Value, int MaxLength)[] fields)
    {
        var violations = new FieldViolations();
        foreach (var (field, value, max) in fields)
        {
            if (string.IsNullOrWhiteSpace(value)) violations.Add(field, "is required");
            else if (value.Length > max) violations.Add(field, $"is {value.Length} characters long; the limit is {max}");
        }
        violations.ThrowIfAny();
    }
}
