using System.Globalization;
using Complaints.Contracts.Resolution.V1;
using Complaints.Domain.ComplaintStream;
using Complaints.Resolution.Queue;
using Complaints.Resolution.Remedies;
using Complaints.ServiceDefaults.Security;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Resolution.Approvals;

/// <summary>
/// "Approvals awaiting me": the remedies a supervisor, manager or the committee may approve now.
/// Within the caller's limit, not their own proposals, and for a supervisor only their team's open
/// cases. Read from the fold of each open case its case file marks as awaiting an approval, so what is
/// listed is what DecideApproval will accept.
/// </summary>
public sealed class ListPendingApprovalsHandler(IQuerySession session, IOptions<ApprovalLimits> limits)
{
    public async Task<ListPendingApprovalsResponse> HandleAsync(Caller caller, CancellationToken cancellationToken)
    {
        // Only cases whose case file knows of a proposal awaiting approval (or that predate the
        // tracking) are folded: the rest of the team's open cases cost nothing.
        var open = session.Query<CaseFile>().Where(f => f.Resolved == false && (f.TracksApprovals == false || f.AwaitingApproval.Any()));
        var files = caller.Is(Roles.Supervisor)
            ? await open.Where(f => f.Team == caller.Team).ToListAsync(cancellationToken)
            : await open.ToListAsync(cancellationToken);
        var limit = limits.Value.LimitOf(caller.Role);

        var response = new ListPendingApprovalsResponse();
        foreach (var file in files)
        {
            var events = await session.Events.FetchStreamAsync(file.Id, token: cancellationToken);
            if (ComplaintLife.Fold(file.Id, events.Select(e => (e.Version, e.Data))) is not { } life) continue;
            response.Approvals.AddRange(life.Remedies.Values
                .Where(r => r.Stage == RemedyStage.PendingApproval && r.Amount <= limit && r.ProposedBy != caller.Subject)
                .Select(r => new PendingApproval
                {
                    ComplaintId = file.Id.ToString(),
                    ComplaintNumber = life.ComplaintNumber,
                    RemedyId = r.Id.ToString(),
                    Kind = r.Kind,
                    Amount = r.Amount.ToString("0.00", CultureInfo.InvariantCulture),
                    Currency = r.Currency,
                    ProposedBy = r.ProposedBy,
                    RequiresApprovalFrom = r.RequiresApprovalFrom,
                    Team = life.Team,
                }));
        }
        return response;
    }
}
