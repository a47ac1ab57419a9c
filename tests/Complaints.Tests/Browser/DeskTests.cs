using Complaints.Contracts.Intake.V1;
using Complaints.Tests.Infrastructure;
using Complaints.Tests.Integration;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Complaints.Tests.Browser;

/// <summary>
/// The desk in a real browser (Debian's Chromium through Playwright), signed in at the real issuer,
/// acting through the real services: what agents, supervisors, analysts and auditors do every day.
/// Each waits on what the page shows (Playwright's assertions poll the page), never on a sleep.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DeskTests(PlatformFixture platform)
{
    private static readonly TimeSpan Routed = TimeSpan.FromSeconds(60);

    private static FileComplaintRequest Billing(string description = "I was charged a service fee twice on this month's bill.")
    {
        var request = Requests.Valid(Channel.Email, description);
        request.Customer.CustomerId = $"DESK-{Guid.NewGuid():N}"[..18];
        request.Customer.Name = "王先生";
        return request;
    }

    private async Task<GetComplaintResponse> AssignedAsync(FileComplaintRequest request)
    {
        var filed = await platform.Intake.FileComplaintAsync(request);
        return await platform.WaitForComplaintAsync(filed.ComplaintId, c => c.Status == ComplaintStatus.Assigned && c.AgentId != "", Routed);
    }

    [Fact]
    public async Task An_agent_sees_their_case_is_stopped_from_a_forbidden_phrase_and_sends_a_first_response_that_joins_the_timeline()
    {
        var desk = await platform.DeskAsync();
        var complaint = await AssignedAsync(Billing());
        var page = await desk.SignInAsync(complaint.AgentId);

        // The agent lands on their queue, which holds the case.
        await Expect(page).ToHaveURLAsync(desk.Address + "/queue");
        var row = page.Locator($"#queue tr[data-complaint='{complaint.ComplaintId}']");
        await Expect(row).ToBeVisibleAsync();
        await desk.ScreenshotAsync(page, "agent-queue");
        await row.Locator("a").ClickAsync();
        await Expect(page.Locator("#complaint-number")).ToHaveTextAsync(complaint.ComplaintNumber);

        // A phrase the rules forbid is blocked as it is typed, with the reason and what to say instead.
        await page.FillAsync("#message", "Sorry, but this is not our responsibility.");
        await Expect(page.Locator("#wording")).ToContainTextAsync("this is not our responsibility");
        await Expect(page.Locator("#wording")).ToContainTextAsync("shifting_blame");
        await Expect(page.Locator("#send")).ToBeDisabledAsync();

        await page.FillAsync("#message", "I am sorry about this. I will look into it and call you back within 2 hours. My staff number is 1024.");
        await Expect(page.Locator("#wording")).Not.ToContainTextAsync("this is not our responsibility");
        // The promise with a time shows the commitment it will create.
        await Expect(page.Locator("#commitment")).ToContainTextAsync("within 2 hours");
        await Expect(page.Locator("#send")).ToBeEnabledAsync();
        await page.ClickAsync("#send");
        await Expect(page.Locator("#timeline [data-event='first_response_sent']")).ToBeVisibleAsync();
        await desk.ScreenshotAsync(page, "agent-complaint");

        var stored = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId });
        Assert.Contains(stored.History, h => h.EventType == "first_response_sent");
        Assert.Contains(stored.History, h => h.EventType == "commitment_made");
    }

    [Fact]
    public async Task A_person_switches_the_desk_to_Chinese_and_signs_out_back_to_the_issuer()
    {
        var desk = await platform.DeskAsync();
        var page = await desk.SignInAsync("care-01");
        await Expect(page.Locator("h1")).ToHaveTextAsync("My queue");
        await page.ClickAsync("#language");
        await Expect(page.Locator("h1")).ToHaveTextAsync("我的队列");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");

        await page.ClickAsync("#sign-out");
        // Signed out of the desk and of the issuer: the next visit asks for the password again.
        await Expect(page.Locator("#username")).ToBeVisibleAsync();
        await page.GotoAsync(desk.Address + "/queue");
        await Expect(page.Locator("#username")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_privacy_officer_is_told_why_an_open_complaint_holds_the_customers_data()
    {
        var desk = await platform.DeskAsync();
        var request = Billing();
        var complaint = await AssignedAsync(request);
        var page = await desk.SignInAsync("privacy-01");
        await Expect(page).ToHaveURLAsync(desk.Address + "/privacy");
        await page.FillAsync("#erase-customer", request.Customer.CustomerId);
        await page.FillAsync("#erase-reason", "The customer asked to be forgotten");
        await Expect(page.Locator("#erase")).ToBeDisabledAsync();
        await page.Locator("#erase-confirm input, input#erase-confirm").First.CheckAsync();
        await page.ClickAsync("#erase");
        // The legal hold is explained (the complaint is still open), not hidden; nothing was erased.
        await Expect(page.Locator("#problem")).ToContainTextAsync("Not possible now.");
        await desk.ScreenshotAsync(page, "privacy-officer");
        await Expect(page.Locator("#problem")).ToContainTextAsync("legal hold");
        var after = await platform.IntakeAs("mgr-ops").GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId });
        Assert.NotEqual(PersonalDataView.Erased, after.PersonalData);
    }

    [Fact]
    public async Task A_refund_above_the_agents_limit_waits_for_the_supervisor_whose_approval_reaches_the_agents_open_page_live()
    {
        var desk = await platform.DeskAsync();
        var complaint = await AssignedAsync(Billing("The same annual fee was debited twice from my account."));
        var agent = await desk.SignInAsync(complaint.AgentId, $"/complaints/{complaint.ComplaintId}");
        await Expect(agent.Locator("#complaint-number")).ToHaveTextAsync(complaint.ComplaintNumber);

        await agent.FillAsync("#remedy-amount", "600");
        await agent.FillAsync("#remedy-description", "Refund of the second annual fee");
        await agent.ClickAsync("#propose");
        await Expect(agent.Locator("#remedy-result")).ToContainTextAsync("supervisor");
        await Expect(agent.Locator("#timeline [data-event='remedy_proposed']")).ToBeVisibleAsync();

        var supervisor = await desk.SignInAsync("sup-billing", "/approvals");
        var approval = supervisor.Locator($"#approvals tr[data-complaint='{complaint.ComplaintId}']");
        await Expect(approval).ToBeVisibleAsync();
        await desk.ScreenshotAsync(supervisor, "supervisor-approvals");
        await supervisor.FillAsync("#approval-reason", "Double debit confirmed on the statement");
        await approval.GetByRole(AriaRole.Button, new() { Name = "Approve " + complaint.ComplaintNumber }).ClickAsync();
        await Expect(approval).Not.ToBeVisibleAsync();

        // The agent's page, left open, shows the approval without a reload.
        await Expect(agent.Locator("#timeline [data-event='remedy_approved']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_supervisor_reassigns_a_case_from_the_board_and_it_appears_in_the_new_agents_queue()
    {
        var desk = await platform.DeskAsync();
        var complaint = await AssignedAsync(Billing("I was billed twice for the same paper statement fee."));
        var other = complaint.AgentId == "bill-01" ? "bill-02" : "bill-01";

        var supervisor = await desk.SignInAsync("sup-billing");
        await Expect(supervisor).ToHaveURLAsync(desk.Address + "/board");
        await Expect(supervisor.Locator("#board")).ToBeVisibleAsync();
        await desk.ScreenshotAsync(supervisor, "supervisor-board");
        // The board holds every open billing case of the run; the case itself is opened by its address.
        await supervisor.GotoAsync($"{desk.Address}/complaints/{complaint.ComplaintId}");
        await supervisor.FillAsync("#reassign-to", other);
        await supervisor.FillAsync("#reassign-reason", "Balancing the team's load");
        await supervisor.ClickAsync("#reassign");
        await Expect(supervisor.Locator("#assignee")).ToContainTextAsync(other);

        var agent = await desk.SignInAsync(other);
        await Expect(agent.Locator($"#queue tr[data-complaint='{complaint.ComplaintId}']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_auditor_slides_a_complaint_back_to_version_one_and_sees_it_as_filed_then_verifies_it()
    {
        var desk = await platform.DeskAsync();
        var complaint = await AssignedAsync(Billing());
        var page = await desk.SignInAsync("auditor-01");
        await Expect(page).ToHaveURLAsync(desk.Address + "/audit");
        await page.FillAsync("#audit-complaint", complaint.ComplaintNumber);
        await page.ClickAsync("#audit-open");
        await Expect(page.Locator("#audit-state-status")).ToHaveTextAsync("Assigned");

        // The slider is a range input: Home takes it to the first version.
        await page.Locator("#audit-version input[type=range], input#audit-version").First.FocusAsync();
        await page.Keyboard.PressAsync("Home");
        await Expect(page.Locator("#audit-state-version")).ToHaveTextAsync("1");
        await Expect(page.Locator("#audit-state-status")).ToHaveTextAsync("Filed");

        await page.ClickAsync("#audit-verify");
        await Expect(page.Locator("#audit-verification")).ToContainTextAsync("Verified");
        await desk.ScreenshotAsync(page, "auditor-replay");
    }

    [Fact]
    public async Task An_analyst_sees_the_figures_and_a_customer_only_masked()
    {
        var desk = await platform.DeskAsync();
        var complaint = await AssignedAsync(Billing());
        var page = await desk.SignInAsync("analyst-01");
        await Expect(page).ToHaveURLAsync(desk.Address + "/kpis");
        await Expect(page.Locator("#kpis")).ToBeVisibleAsync();
        await desk.ScreenshotAsync(page, "analyst-kpis");

        await page.GotoAsync($"{desk.Address}/complaints/{complaint.ComplaintId}");
        await Expect(page.Locator("#masked")).ToBeVisibleAsync();
        await Expect(page.Locator("#customer")).Not.ToContainTextAsync("王先生");
    }

    [Fact]
    public async Task An_analyst_records_a_five_why_review_and_its_improvement_action_is_open_pending_a_verdict()
    {
        var desk = await platform.DeskAsync();
        var complaint = await AssignedAsync(Billing());
        var page = await desk.SignInAsync("analyst-01", "/improvements");
        await page.FillAsync("#rca-complaint", complaint.ComplaintId);
        await page.FillAsync("#rca-why-1", "The fee was debited twice");
        await page.FillAsync("#rca-why-2", "The batch job was retried after a timeout");
        await page.FillAsync("#rca-category", "billing_system");
        await page.FillAsync("#rca-action", "Make the fee batch idempotent");
        await page.FillAsync("#rca-owner", "billing-it");
        await page.FillAsync("#rca-due", "2027-03-31");
        await page.ClickAsync("#rca-record");
        await Expect(page.Locator("#rca-result")).ToBeVisibleAsync();
        await Expect(page.Locator("#action-status")).ToHaveTextAsync("Open");
        await Expect(page.Locator("#action-verdict")).ToContainTextAsync("Pending");
        await desk.ScreenshotAsync(page, "analyst-root-cause");
        var stored = await platform.Intake.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaint.ComplaintId });
        Assert.Contains(stored.History, h => h.EventType == "improvement_action_opened");
    }

    [Fact]
    public async Task A_person_gets_a_clear_refusal_for_what_their_role_or_the_case_rule_does_not_allow()
    {
        var desk = await platform.DeskAsync();
        var complaint = await AssignedAsync(Billing());
        var stranger = complaint.AgentId == "bill-01" ? "care-01" : "care-02";
        var page = await desk.SignInAsync(stranger);

        // A page of another role, reached by its URL.
        await page.GotoAsync(desk.Address + "/audit");
        await Expect(page.Locator("#denied")).ToContainTextAsync("another role");
        Assert.DoesNotContain("audit-complaint", await page.ContentAsync());

        // Another team's case: the service's refusal, in words, never a stack trace.
        await page.GotoAsync($"{desk.Address}/complaints/{complaint.ComplaintId}");
        await Expect(page.Locator("#problem")).ToContainTextAsync("may not");
        Assert.DoesNotContain(" at Complaints.", await page.ContentAsync());
        Assert.DoesNotContain("王先生", await page.ContentAsync());
    }

    [Fact]
    public async Task The_main_pages_have_no_serious_accessibility_violations()
    {
        var desk = await platform.DeskAsync();
        var complaint = await AssignedAsync(Billing());
        var agent = await desk.SignInAsync(complaint.AgentId, $"/complaints/{complaint.ComplaintId}");
        await Expect(agent.Locator("#timeline")).ToBeVisibleAsync();
        // Everything the page loads is in (the similar cases come last) before axe reads it.
        await Expect(agent.Locator("#similar-loaded")).ToBeAttachedAsync();
        var supervisor = await desk.SignInAsync("sup-billing");
        await Expect(supervisor.Locator("#board")).ToBeVisibleAsync();

        foreach (var page in new[] { agent, supervisor })
        {
            var results = await page.RunAxe();
            var serious = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
            Assert.True(serious.Count == 0, $"{page.Url}: " + string.Join("; ", serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}")));
        }
    }
}
