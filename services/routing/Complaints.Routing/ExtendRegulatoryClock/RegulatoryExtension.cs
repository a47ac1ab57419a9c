using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Routing.Assignment;
using Complaints.Domain.ServiceLevels;
using Complaints.Domain.Rules;

namespace Complaints.Routing.ExtendRegulatoryClock;

/// <summary>
/// The decision to extend a regulator's clock on a case: once, before it runs out, as far as its
/// rule allows, and for a rule that needs it (CFPB) only after the customer had an in-progress answer.
/// The approval is the caller's: the handler lets only a supervisor of the case's team or a manager ask.
/// </summary>
public static class RegulatoryExtension
{
    public static RegulatoryClockExtended Decide(
        OpenCase openCase, ComplaintLife life, RegulatoryClock rule, string reason, string approvedBy, string role, DateTimeOffset now, string timeZone)
    {
        var clock = openCase.RegulatoryClocks.FirstOrDefault(c => c.Name == rule.Name)
                    ?? throw Refused($"The clock '{rule.Name}' does not run on this complaint (its category is {openCase.Category})");
        if (rule.ExtensionDays is null) throw Refused($"The rule of '{rule.Name}' allows no extension ({rule.Rule})");
        if (clock.Extended) throw Refused($"The clock '{rule.Name}' was extended already; its rule allows it once");
        if (clock.Breached || clock.DueBy <= now) throw Refused($"The clock '{rule.Name}' ran out at {clock.DueBy:u}; an extension comes before the deadline");
        if (rule.ExtensionRequires == RegulatoryExtensionCondition.InProgressResponse && life.FirstResponseAt is null && life.LastProgressUpdateAt is null)
            throw Refused($"The rule of '{rule.Name}' extends only after the customer had an in-progress answer: send a first response or a progress update first");
        return new RegulatoryClockExtended(openCase.Id, rule.Name, clock.DueBy, rule.ExtendedFrom(clock.DueBy, timeZone), reason, approvedBy, role, now);
    }

    private static Rejection Refused(string why) => new(RejectionKind.FailedPrecondition, why);
}
