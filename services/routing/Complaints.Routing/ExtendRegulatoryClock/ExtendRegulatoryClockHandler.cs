using Complaints.Contracts.Routing.V1;
using Complaints.Domain.ComplaintStream;
using Complaints.Routing.Assignment;
using Complaints.Routing.SlaClock;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Complaints.Domain.ServiceLevels;
using Google.Protobuf.WellKnownTypes;
using Complaints.Contracts.Events;
using Complaints.ServiceDefaults.ComplaintStreams;

namespace Complaints.Routing.ExtendRegulatoryClock;

/// <summary>
/// A supervisor (their team's cases) or a manager extends a regulator's clock on an open case
/// (<see cref="RegulatoryExtension"/>): the event and the case's clock in one transaction at the
/// stream's version, so the sweeper never breaches a clock that was extended in time.
/// </summary>
public sealed class ExtendRegulatoryClockHandler(ComplaintWriter writer, SlaPolicy sla)
{
    public async Task<ExtendRegulatoryClockResponse> HandleAsync(ExtendRegulatoryClockRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(request.ComplaintId, out var complaintId)) violations.Add("complaint_id", "is not a complaint id");
        var rule = sla.RegulatoryClocks.FirstOrDefault(c => c.Name == request.Clock.Trim());
        if (rule is null)
            violations.Add("clock", sla.RegulatoryClocks.Count == 0 ? "no regulatory clock is configured" : $"must be one of {string.Join(", ", sla.RegulatoryClocks.Select(c => c.Name))}");
        var reason = request.Reason switch
        {
            RegulatoryExtensionReason.InvestigationOngoing => "investigation_ongoing",
            RegulatoryExtensionReason.AwaitingThirdParty => "awaiting_third_party",
            RegulatoryExtensionReason.AwaitingCustomer => "awaiting_customer",
            _ => null,
        };
        if (reason is null) violations.Add("reason", "must be investigation_ongoing, awaiting_third_party or awaiting_customer");
        violations.ThrowIfAny();

        OpenCase? openCase = null;
        var written = await writer.ExecuteAsync(complaintId, new Actor(caller.Subject, caller.Role),
            async (_, session, token) => openCase = await CaseAction.LoadAsync(session, complaintId, token),
            (life, read, now) => Decide(read, life, rule!, reason!, caller, sla.TimeZone, now),
            new WriteOptions { AlsoStore = (session, _, _) => session.Store(openCase!) }, cancellationToken);
        var extended = written.Events.OfType<RegulatoryClockExtended>().Single();
        return new ExtendRegulatoryClockResponse { PreviousDue = Timestamp.FromDateTimeOffset(extended.PreviousDue), NewDue = Timestamp.FromDateTimeOffset(extended.NewDue) };
    }

    /// <summary>
    /// The extension (<see cref="RegulatoryExtension"/>), and the case's clock moved with it in
    /// routing's view, so the sweeper never breaches a clock that was extended in time.
    /// </summary>
    public static IReadOnlyList<object> Decide(OpenCase openCase, ComplaintLife life, Domain.ServiceLevels.RegulatoryClock rule, string reason, Caller caller, string timeZone, DateTimeOffset now)
    {
        CaseAction.Require(openCase, caller, c => c.Team == caller.Team, $"a supervisor extends the clocks of their own team's cases ({caller.Team})",
            "The complaint is resolved; its clocks have stopped");
        var extended = RegulatoryExtension.Decide(openCase, life, rule, reason, caller.Subject, caller.Role, now, timeZone);
        var deadline = RegulatoryDeadlines.New(rule, extended.NewDue);
        deadline.Extended = true;
        openCase.RegulatoryClocks = openCase.RegulatoryClocks.Select(c => c.Name == rule.Name ? deadline : c).ToList();
        openCase.RecomputeNextDeadline();
        return [extended];
    }
}
