using Complaints.Contracts.Routing.V1;
using Complaints.Contracts.Stream;
using Complaints.Routing.Assignment;
using Complaints.Routing.SlaClock;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Complaints.ServiceDefaults.ServiceLevels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;

namespace Complaints.Routing.ExtendRegulatoryClock;

/// <summary>
/// A supervisor (their team's cases) or a manager extends a regulator's clock on an open case
/// (<see cref="RegulatoryExtension"/>): the event and the case's clock in one transaction at the
/// stream's version, so the sweeper never breaches a clock that was extended in time.
/// </summary>
public sealed class ExtendRegulatoryClockHandler(IDocumentSession session, SlaPolicy sla, TimeProvider clock)
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

        var (openCase, _) = await CaseAction.LoadAsync(session, complaintId, caller,
            c => c.Team == caller.Team, $"a supervisor extends the clocks of their own team's cases ({caller.Team})",
            "The complaint is resolved; its clocks have stopped", cancellationToken);
        var events = await session.Events.FetchStreamAsync(complaintId, token: cancellationToken);
        var life = ComplaintLife.Fold(complaintId, events.Select(e => (e.Version, e.Data)))
                   ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint {complaintId}"));
        var extended = RegulatoryExtension.Decide(openCase, life, rule!, reason!, caller.Subject, caller.Role, clock.GetUtcNow(), sla.TimeZone);

        var deadline = RegulatoryDeadlines.New(rule!, extended.NewDue);
        deadline.Extended = true;
        openCase.RegulatoryClocks = openCase.RegulatoryClocks.Select(c => c.Name == rule!.Name ? deadline : c).ToList();
        openCase.RecomputeNextDeadline();
        session.Store(openCase);
        session.StampTraceContext();
        session.StampActor(caller.Subject, caller.Role);
        session.Events.Append(complaintId, events[^1].Version + 1, extended);
        await session.SaveChangesAsync(cancellationToken);
        return new ExtendRegulatoryClockResponse { PreviousDue = Timestamp.FromDateTimeOffset(extended.PreviousDue), NewDue = Timestamp.FromDateTimeOffset(extended.NewDue) };
    }
}
