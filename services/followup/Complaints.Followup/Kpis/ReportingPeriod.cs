using Complaints.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;

namespace Complaints.Followup.Kpis;

/// <summary>The period [from, to) a report covers, checked the same way for every report.</summary>
public static class ReportingPeriod
{
    public static (DateTimeOffset From, DateTimeOffset To) Of(Timestamp? from, Timestamp? to)
    {
        var violations = new FieldViolations();
        if (from is null) violations.Add("from", "is required");
        if (to is null) violations.Add("to", "is required");
        if (from is not null && to is not null && from.ToDateTimeOffset() >= to.ToDateTimeOffset())
            violations.Add("to", "must be after from");
        violations.ThrowIfAny();
        return (from!.ToDateTimeOffset(), to!.ToDateTimeOffset());
    }
}
