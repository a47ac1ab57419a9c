using Complaints.Client;
using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Contracts.Resolution.V1;
using Complaints.Contracts.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using RoutingService = Complaints.Contracts.Routing.V1.Routing;

namespace Complaints.Cli;

/// <summary>
/// <c>complaints desk-demo</c>: a supervisor's day through the public API, each person signed in as
/// themselves. The billing supervisor reads the board, corrects a triage (the case moves to
/// logistics), moves a case between agents, approves a remedy above the agent's limit, and sees a
/// department task's due time, and writes the resolved case up for the case library, where a
/// colleague finds it by similar words. The after-sales customer is told the new date of a complex case, and
/// a manager reads the KPIs as a daily series.
/// </summary>
public sealed class DeskDemo(Func<string, ClientCredentials> identity, string intakeAddress, string routingAddress, string resolutionAddress, string followupAddress, TimeSpan timeout)
{
    public async Task<int> RunAsync()
    {
        using var channelSystem = AuthenticatedChannel.Retrying(intakeAddress, identity("channel-phone"));
        var intake = new Complaints.Contracts.Intake.V1.Intake.IntakeClient(channelSystem);
        using var supervisorRouting = AuthenticatedChannel.Retrying(routingAddress, identity("sup-billing"));
        var desk = new RoutingService.RoutingClient(supervisorRouting);

        Console.WriteLine("== A supervisor's day (sup-billing) ==");
        var started = DateTimeOffset.UtcNow;
        var fee = await FileAsync(intake, "I was charged a fee twice on my bill and I want the duplicate refunded.");
        var mixed = await FileAsync(intake, "The courier charged me a delivery fee twice for one parcel.");
        var fridge = await FileAsync(intake, "新买的冰箱不制冷，用了不到一个月，要求换货。");

        var board = await desk.GetTeamBoardAsync(new GetTeamBoardRequest { AtRiskWithinMinutes = 30 });
        Console.WriteLine($"Board of {board.Team}: {board.Cases.Count} open, {board.Breaching} breaching, {board.AtRisk} at risk, " +
                          $"{board.NeedsReview} awaiting triage review; loads {string.Join(", ", board.Agents.Select(a => $"{a.AgentId} {a.Open}"))}");
        foreach (var row in board.Cases.Where(c => c.Case.ComplaintId == mixed.ComplaintId || c.Case.ComplaintId == fee.ComplaintId))
            Console.WriteLine($"  {row.Case.ComplaintNumber} {row.Case.Category} {row.Case.Priority} -> {row.AssigneeId}, next deadline {row.NextDeadline?.ToDateTimeOffset():u}" +
                              (row.Case.TriageNeedsReview ? "  [triage needs review]" : ""));

        // The parcel fee is the courier's. Where triage put it in billing, the supervisor corrects the
        // category and the case moves to logistics; triage's model usually reads it as logistics itself.
        if (mixed.Category == "billing_fees")
        {
            var corrected = await desk.CorrectTriageAsync(new CorrectTriageRequest
            {
                ComplaintId = mixed.ComplaintId, Category = "logistics_delivery", Reason = "the fee is the courier's redelivery charge, a logistics matter",
            });
            Console.WriteLine($"Triage corrected: {string.Join(", ", corrected.Changes.Select(c => $"{c.Aspect} {c.From} -> {c.To}"))}; " +
                              $"now {corrected.Team}, {corrected.AssigneeId} (re-routed: {corrected.Rerouted})");
        }
        else
            Console.WriteLine($"Triage sent the courier's fee to {mixed.Team} ({mixed.Category}) itself: nothing for the billing supervisor to correct");

        // One agent leaves early: the supervisor moves the fee case to the other; the loads follow.
        var other = fee.AgentId == "bill-01" ? "bill-02" : "bill-01";
        var moved = await desk.ReassignCaseAsync(new ReassignCaseRequest { ComplaintId = fee.ComplaintId, AgentId = other, Reason = $"{fee.AgentId} leaves at 15:00 today" });
        Console.WriteLine($"Reassigned {fee.ComplaintNumber}: {moved.PreviousAssigneeId} -> {moved.AgentId}");

        // The new owner offers more than an agent may grant; the supervisor finds it among the approvals awaiting them.
        using var agentChannel = AuthenticatedChannel.Retrying(resolutionAddress, identity(moved.AgentId));
        var agent = new Resolution.ResolutionClient(agentChannel);
        var remedy = await agent.ProposeRemedyAsync(new ProposeRemedyRequest
        {
            ComplaintId = fee.ComplaintId, Kind = RemedyKind.Refund, Amount = "800", Description = "Refund of the duplicate fee and the overdraft interest it caused",
        });
        var task = await agent.HandToDepartmentAsync(new HandToDepartmentRequest
        {
            ComplaintId = fee.ComplaintId, Department = "finance", Request = "Confirm the second debit and the overdraft interest it caused.",
        });
        Console.WriteLine($"{moved.AgentId} proposed 800 CNY (needs a {remedy.RequiresApprovalFrom}) and asked finance ({task.Contact}), answer due {task.DueBy.ToDateTimeOffset():u}");
        using var supervisorResolution = AuthenticatedChannel.Retrying(resolutionAddress, identity("sup-billing"));
        var approvals = new Resolution.ResolutionClient(supervisorResolution);
        PendingApproval? pending = null;
        for (var waited = TimeSpan.Zero; pending is null && waited < timeout; waited += TimeSpan.FromMilliseconds(200))
        {
            pending = (await approvals.ListPendingApprovalsAsync(new ListPendingApprovalsRequest())).Approvals.FirstOrDefault(a => a.RemedyId == remedy.RemedyId);
            if (pending is null) await Task.Delay(200);
        }
        if (pending is null)
        {
            Console.Error.WriteLine("The remedy never appeared among the supervisor's pending approvals.");
            return 1;
        }
        Console.WriteLine($"Approvals awaiting sup-billing: {pending.ComplaintNumber} {pending.Kind} {pending.Amount} {pending.Currency} by {pending.ProposedBy}");
        await approvals.DecideApprovalAsync(new DecideApprovalRequest { ComplaintId = fee.ComplaintId, RemedyId = remedy.RemedyId, Approve = true, Reason = "the interest was caused by our double debit" });
        Console.WriteLine("Approved.");

        // The customer accepts; the supervisor writes the case up for the library, and a colleague
        // with a similar complaint finds it by its words.
        await agent.RecordCustomerDecisionAsync(new RecordCustomerDecisionRequest
        {
            ComplaintId = fee.ComplaintId, RemedyId = remedy.RemedyId, Accepted = true, ConfirmationChannel = "sms",
            Confirmation = "As agreed today, 800 CNY (the duplicate fee and the interest) is refunded within 3 working days.",
        });
        using var supervisorFollowup = AuthenticatedChannel.Retrying(followupAddress, identity("sup-billing"));
        await new Followup.FollowupClient(supervisorFollowup).WriteCaseSummaryAsync(new WriteCaseSummaryRequest
        {
            ComplaintId = fee.ComplaintId,
            MaskedDescription = "A monthly fee was debited twice; the second debit pushed the account into overdraft.",
            HandlingSummary = "Finance confirmed the double debit; refunded the fee and the overdraft interest, above agent limit with supervisor approval.",
        });
        using var colleagueFollowup = AuthenticatedChannel.Retrying(followupAddress, identity(fee.AgentId));
        var library = new Followup.FollowupClient(colleagueFollowup);
        CaseLibraryEntry? precedent = null;
        for (var waited = TimeSpan.Zero; precedent is null && waited < timeout; waited += TimeSpan.FromMilliseconds(200))
        {
            precedent = (await library.SearchCaseLibraryAsync(new SearchCaseLibraryRequest { SimilarToText = "fee debited twice, now I pay overdraft interest" }))
                .Entries.FirstOrDefault(e => e.ComplaintId == fee.ComplaintId && e.RemedyKind.Length > 0);
            if (precedent is null) await Task.Delay(200);
        }
        if (precedent is null)
        {
            Console.Error.WriteLine("The written-up case was not found in the case library.");
            return 1;
        }
        Console.WriteLine($"Case library, similar to \"fee debited twice, now I pay overdraft interest\": {precedent.ComplaintNumber} " +
                          $"(similarity {precedent.Similarity:0.00}), remedy {precedent.RemedyKind} {precedent.RemedyAmount} {precedent.RemedyCurrency}: {precedent.HandlingSummary}");

        // The fridge needs investigation: five working days, not the 24 hours promised. The customer is told, in writing.
        var notice = await WaitForAsync(intake, fridge.ComplaintId, c => c.History.Any(h => h.EventType == "customer_notified"));
        var sent = notice?.History.FirstOrDefault(h => h.EventType == "customer_notified");
        if (sent is null)
        {
            Console.Error.WriteLine("The complex case's customer was not told the new date.");
            return 1;
        }
        Console.WriteLine($"{fridge.ComplaintNumber}: resolution date moved to {notice!.ResolutionDue.ToDateTimeOffset():u}; notice sent: {sent.DataJson}");

        using var managerChannel = AuthenticatedChannel.Retrying(followupAddress, identity("mgr-care"));
        var kpis = await new Followup.FollowupClient(managerChannel).GetKpisAsync(new GetKpisRequest
        {
            From = Timestamp.FromDateTimeOffset(started.AddDays(-1)), To = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(1)), GroupBy = KpiGrouping.Day,
        });
        foreach (var kpi in kpis.Kpis)
            Console.WriteLine($"KPIs {kpi.Group}: {kpi.Complaints} complaints, solve {kpi.SolveRate:P0}, closure {kpi.ClosureRate:P0}, SLA {kpi.SlaCompliance:P0}, " +
                              $"repeat {kpi.RepeatRate:P0}, second complaints {kpi.SecondComplaintRate:P0}");
        return 0;
    }

    private async Task<GetComplaintResponse> FileAsync(Complaints.Contracts.Intake.V1.Intake.IntakeClient intake, string description)
    {
        var filed = await intake.FileComplaintAsync(new FileComplaintRequest
        {
            Channel = Channel.Phone,
            Customer = new Customer { CustomerId = "CUST-DESK-" + Guid.NewGuid().ToString("N")[..8], Name = "陈女士", Phone = "+86 139 0000 0042" },
            Description = description,
            IdempotencyKey = Guid.NewGuid().ToString("N"),
        });
        return await WaitForAsync(intake, filed.ComplaintId, c => c.AgentId.Length > 0)
               ?? throw new TimeoutException($"{filed.ComplaintNumber} was not assigned within {timeout.TotalSeconds} s");
    }

    private async Task<GetComplaintResponse?> WaitForAsync(Complaints.Contracts.Intake.V1.Intake.IntakeClient intake, string complaintId, Func<GetComplaintResponse, bool> done)
    {
        for (var waited = TimeSpan.Zero; waited < timeout; waited += TimeSpan.FromMilliseconds(200))
        {
            var complaint = await intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaintId });
            if (done(complaint)) return complaint;
            await Task.Delay(200);
        }
        return null;
    }
}
