using Complaints.Contracts.Resolution.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Marten;

namespace Complaints.Resolution.Queue;

/// <summary>
/// An agent's open cases, the most urgent SLA deadline first, with a missed daily update and the
/// answers awaited from other departments (overdue ones marked), a page at a time.
/// </summary>
public sealed class ListQueueHandler(IQuerySession session, TimeProvider clock)
{
    public async Task<ListQueueResponse> HandleAsync(ListQueueRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var agentId = string.IsNullOrWhiteSpace(request.AgentId) ? caller.Subject : request.AgentId.Trim();
        caller.Require(agentId == caller.Subject || !caller.Is(Roles.Agent), "an agent sees only their own queue");
        var violations = new FieldViolations();
        var paging = PageRequest.Parse(request.PageSize, request.PageToken, $"queue:{agentId}", violations);
        violations.ThrowIfAny();
        var files = await session.Query<CaseFile>().Where(f => f.AssigneeId == agentId && f.Resolved == false).ToListAsync(cancellationToken);
        // A supervisor sees another person's queue only as far as it holds their own team's cases.
        if (agentId != caller.Subject && caller.Is(Roles.Supervisor)) files = files.Where(f => f.Team == caller.Team).ToList();

        var now = clock.GetUtcNow();
        var (page, nextPageToken) = paging.Take(files, f => new PageKey(PageKey.Time(f.NextDeadline), 0, f.Id));
        var response = new ListQueueResponse { AgentId = agentId, NextPageToken = nextPageToken, TotalSize = files.Count };
        response.Entries.AddRange(page.Select(f => new QueueEntry
        {
            ComplaintId = f.Id.ToString(),
            Priority = f.Priority,
            Tier = f.Tier,
            FirstResponseSent = f.FirstResponseSent,
            FirstResponseDue = Stamp(f.FirstResponseDue),
            ResolutionDue = Stamp(f.ResolutionDue),
            NextDeadline = Stamp(f.NextDeadline),
            Complex = f.Complex,
            LastCustomerUpdate = Stamp(f.LastCustomerUpdateAt),
            UpdateMissedAt = Stamp(f.UpdateMissedAt),
            DepartmentAnswers =
            {
                f.DepartmentAnswers.OrderBy(a => a.DueBy).Select(a => new PendingDepartmentAnswer
                {
                    TaskId = a.TaskId.ToString(), Department = a.Department, DueBy = Timestamp.FromDateTimeOffset(a.DueBy), Overdue = a.DueBy <= now,
                }),
            },
        }));
        return response;
    }

    private static Timestamp? Stamp(DateTimeOffset? time) => time is { } t ? Timestamp.FromDateTimeOffset(t) : null;
}
