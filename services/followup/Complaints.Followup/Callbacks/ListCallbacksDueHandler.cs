using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
using Complaints.ServiceDefaults.Security;
using Complaints.Domain.ServiceLevels;
using Google.Protobuf.WellKnownTypes;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Followup.Callbacks;

/// <summary>
/// "Call-backs due today": satisfaction calls due by the end of the call center's day and not made
/// yet (no survey recorded, the complaint not closed). An agent sees the calls on their own cases, a
/// supervisor their team's, managers and the committee everyone's. Overdue calls first.
/// </summary>
public sealed class ListCallbacksDueHandler(IQuerySession session, IOptions<SlaOptions> sla, TimeProvider clock)
{
    public async Task<ListCallbacksDueResponse> HandleAsync(Caller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(sla.Value.TimeZone);
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        var endOfDay = new DateTimeOffset(today.AddDays(1), zone.GetUtcOffset(today.AddDays(1))).ToUniversalTime();

        var clocks = await session.Query<CallbackClock>().Where(c => c.DueAt < endOfDay).ToListAsync(cancellationToken);
        var facts = (await session.LoadManyAsync<ComplaintFacts>(cancellationToken, clocks.Select(c => c.Id))).ToDictionary(f => f.Id);
        var due = clocks
            .Select(c => (Clock: c, Facts: facts.GetValueOrDefault(c.Id)))
            .Where(c => c.Facts is { Surveyed: false, ClosedAt: null, Nuisance: false })
            .Where(c => caller.Role switch
            {
                Roles.Agent => c.Facts!.Agent == caller.Subject,
                Roles.Supervisor => c.Facts!.Team == caller.Team,
                _ => true,
            })
            .OrderBy(c => c.Clock.DueAt);
        return new ListCallbacksDueResponse
        {
            Callbacks =
            {
                due.Select(c => new CallbackDue
                {
                    ComplaintId = c.Clock.Id.ToString(),
                    ComplaintNumber = c.Facts!.ComplaintNumber,
                    Team = c.Facts.Team,
                    AgentId = c.Facts.Agent,
                    DueAt = Timestamp.FromDateTimeOffset(c.Clock.DueAt),
                    Overdue = c.Clock.DueAt < now,
                }),
            },
        };
    }
}
