using System.Globalization;

namespace Complaints.Desk.Words;

/// <summary>
/// The desk's own words in English and Simplified Chinese, chosen per person (a cookie set from the
/// language switch). Customers' words are always shown as written.
/// </summary>
public sealed class Words
{
    public const string CookieName = "complaints-desk-language";
    public const string English = "en";
    public const string Chinese = "zh";

    public string Language { get; private set; } = English;
    public bool IsChinese => Language == Chinese;
    public CultureInfo Culture => IsChinese ? CultureInfo.GetCultureInfo("zh-CN") : CultureInfo.GetCultureInfo("en-GB");

    public static string Normalize(string? language) => language is Chinese or "zh-CN" or "zh-Hans" ? Chinese : English;

    public void Use(string? language) => Language = Normalize(language);

    public string this[string key] => Texts.TryGetValue(key, out var text) ? (IsChinese ? text.Zh : text.En) : key;

    /// <summary>"3 h 20 min left" / "overdue by 12 min", from now to <paramref name="due"/>.</summary>
    public string TimeLeft(DateTimeOffset due, DateTimeOffset now)
    {
        var left = due - now;
        var span = left.Duration();
        var amount = span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
            : $"{Math.Max(0, (int)span.TotalMinutes)} min";
        return left >= TimeSpan.Zero
            ? (IsChinese ? $"剩余 {amount}" : $"{amount} left")
            : (IsChinese ? $"已超时 {amount}" : $"overdue by {amount}");
    }

    private static readonly Dictionary<string, (string En, string Zh)> Texts = new()
    {
        ["app.title"] = ("Complaints desk", "投诉工作台"),
        ["nav.queue"] = ("My queue", "我的队列"),
        ["nav.board"] = ("Team board", "团队看板"),
        ["nav.approvals"] = ("Approvals", "待审批"),
        ["nav.kpis"] = ("KPIs", "指标"),
        ["nav.audit"] = ("Audit", "审计"),
        ["nav.privacy"] = ("Personal data", "个人数据"),
        ["nav.sign-out"] = ("Sign out", "退出登录"),
        ["nav.language"] = ("中文", "English"),
        ["signed-in-as"] = ("Signed in as", "当前用户"),
        ["loading"] = ("Loading…", "加载中…"),
        ["reload"] = ("Reload", "重新加载"),
        ["retry"] = ("Try again", "重试"),
        ["sign-in-again"] = ("Sign in again", "重新登录"),
        ["problem.invalid"] = ("Please correct this:", "请更正："),
        ["problem.not-found"] = ("Not found.", "未找到。"),
        ["problem.denied"] = ("Your role may not do this.", "您的角色无权执行此操作。"),
        ["problem.precondition"] = ("Not possible now.", "当前无法执行。"),
        ["problem.exists"] = ("Already recorded.", "已记录。"),
        ["problem.changed"] = ("Someone changed this case meanwhile; nothing was recorded. Reload and try again (your text is kept).", "此案件已被他人更新，本次未记录。请重新加载后重试（您输入的内容已保留）。"),
        ["problem.session"] = ("Your session has ended. Sign in again.", "您的会话已结束，请重新登录。"),
        ["problem.unavailable"] = ("The service is briefly unavailable. Try again in a moment; your text is kept.", "服务暂时不可用，请稍后重试；您输入的内容已保留。"),
        ["problem.other"] = ("Something went wrong.", "出现问题。"),
        ["denied.title"] = ("Not available to your role", "您的角色无法访问此页面"),
        ["denied.body"] = ("This page belongs to another role. Ask your supervisor if you need it.", "此页面属于其他角色。如需访问，请联系您的主管。"),
        ["queue.title"] = ("My queue", "我的队列"),
        ["queue.empty"] = ("No open cases. Well done.", "暂无待处理案件。"),
        ["col.number"] = ("Number", "编号"),
        ["col.priority"] = ("Priority", "优先级"),
        ["col.category"] = ("Category", "类别"),
        ["col.tier"] = ("Tier", "层级"),
        ["col.first-response"] = ("First response", "首次回复"),
        ["col.resolution"] = ("Resolution", "解决期限"),
        ["col.next-deadline"] = ("Next deadline", "最近期限"),
        ["col.assignee"] = ("Agent", "坐席"),
        ["col.flags"] = ("Flags", "标记"),
        ["col.open"] = ("Open", "处理中"),
        ["col.hostile"] = ("Hostile", "敌对"),
        ["col.amount"] = ("Amount", "金额"),
        ["col.kind"] = ("Kind", "类型"),
        ["col.proposed-by"] = ("Proposed by", "提出人"),
        ["col.needs"] = ("Needs approval from", "需审批人"),
        ["flag.breaching"] = ("Breaching", "已超时"),
        ["flag.at-risk"] = ("At risk", "即将超时"),
        ["flag.review"] = ("Needs review", "需复核"),
        ["flag.update-missed"] = ("Daily update missed", "未按时更新"),
        ["flag.department"] = ("Department answer due", "待部门答复"),
        ["flag.sent"] = ("Sent", "已发送"),
        ["complaint.status"] = ("Status", "状态"),
        ["complaint.team"] = ("Team", "团队"),
        ["complaint.agent"] = ("Agent", "坐席"),
        ["complaint.triage"] = ("Triage", "分诊"),
        ["complaint.emergency"] = ("Emergency", "紧急"),
        ["complaint.clocks"] = ("Clocks", "时限"),
        ["complaint.customer"] = ("Customer", "客户"),
        ["complaint.words"] = ("The customer's words", "客户原话"),
        ["complaint.earlier"] = ("Earlier complaints", "历史投诉"),
        ["complaint.timeline"] = ("Timeline", "时间线"),
        ["complaint.guidance"] = ("Handling guidance", "处理指引"),
        ["complaint.masked"] = ("Masked for your role", "已按角色脱敏"),
        ["complaint.erased"] = ("Erased", "已删除"),
        ["action.first-response"] = ("First response", "首次回复"),
        ["action.progress"] = ("Progress update", "进度更新"),
        ["action.remedy"] = ("Propose a remedy", "提出补救方案"),
        ["action.reassign"] = ("Reassign", "转派"),
        ["action.escalate"] = ("Escalate", "升级"),
        ["action.send"] = ("Send", "发送"),
        ["action.propose"] = ("Propose", "提交"),
        ["action.approve"] = ("Approve", "批准"),
        ["action.reject"] = ("Reject", "驳回"),
        ["action.erase"] = ("Erase personal data", "删除个人数据"),
        ["action.verify"] = ("Verify in the store", "在存储中验证"),
        ["action.download"] = ("Download export", "下载导出"),
        ["action.show"] = ("Show", "显示"),
        ["action.csv"] = ("Export CSV", "导出 CSV"),
        ["field.message"] = ("Message to the customer", "给客户的消息"),
        ["field.channel"] = ("Channel", "渠道"),
        ["field.kind"] = ("Remedy", "补救类型"),
        ["field.amount"] = ("Amount", "金额"),
        ["field.description"] = ("Description", "说明"),
        ["field.reason"] = ("Reason", "原因"),
        ["field.agent"] = ("To agent", "转给坐席"),
        ["field.tier"] = ("To tier", "升级到"),
        ["field.complaint"] = ("Complaint id or number", "投诉编号或 ID"),
        ["field.customer"] = ("Customer id", "客户 ID"),
        ["field.from"] = ("From", "开始"),
        ["field.to"] = ("To", "结束"),
        ["field.group-by"] = ("Group by", "分组"),
        ["field.version"] = ("Version", "版本"),
        ["field.confirm"] = ("I have checked the request and the reason", "我已核实请求及原因"),
        ["wording.blocked"] = ("Not allowed:", "禁用表述："),
        ["wording.instead"] = ("say instead:", "建议改为："),
        ["wording.advice"] = ("Advice:", "建议："),
        ["wording.ok"] = ("The wording is fine.", "措辞无问题。"),
        ["remedy.needs"] = ("Needs approval from", "需审批："),
        ["remedy.none"] = ("Within your limit: no approval needed.", "在您的权限内，无需审批。"),
        ["sent"] = ("Recorded.", "已记录。"),
        ["board.title"] = ("Team board", "团队看板"),
        ["board.load"] = ("Agents' load", "坐席负载"),
        ["board.above-agent"] = ("At a supervisor's desk", "在主管处"),
        ["approvals.title"] = ("Approvals awaiting you", "待您审批"),
        ["approvals.empty"] = ("Nothing awaits your approval.", "暂无待审批事项。"),
        ["kpis.title"] = ("KPIs", "关键指标"),
        ["kpi.complaints"] = ("Complaints", "投诉量"),
        ["kpi.solve"] = ("Solve rate", "解决率"),
        ["kpi.closure"] = ("Closure rate", "结案率"),
        ["kpi.sla"] = ("SLA compliance", "SLA 达标率"),
        ["kpi.first-response"] = ("First response (median min)", "首次回复（中位分钟）"),
        ["kpi.repeat"] = ("Repeat rate", "重复投诉率"),
        ["kpi.second"] = ("Second complaints", "二次投诉率"),
        ["kpi.csat"] = ("CSAT", "满意度"),
        ["kpi.nps"] = ("NPS", "净推荐值"),
        ["kpi.nuisance"] = ("Nuisance contacts excluded", "已排除骚扰来电"),
        ["audit.title"] = ("Replay a complaint", "回放投诉"),
        ["audit.state"] = ("State at this version", "该版本时的状态"),
        ["audit.verified"] = ("Verified: every event matches its seal.", "验证通过：所有事件与封印一致。"),
        ["audit.broken"] = ("Verification failed:", "验证失败："),
        ["audit.as-of"] = ("As of (UTC)", "截至（UTC）"),
        ["action.contact"] = ("Contact with the customer", "联系客户"),
        ["action.finding"] = ("Investigation finding", "调查结论"),
        ["action.decision"] = ("The customer's decision", "客户决定"),
        ["action.department"] = ("Hand to a department", "转交部门"),
        ["action.callback"] = ("Call-back and survey", "回访与满意度调查"),
        ["action.callback-unreached"] = ("Call-back: not reached", "回访未接通"),
        ["action.survey"] = ("Survey answers", "调查结果"),
        ["action.record"] = ("Record", "记录"),
        ["action.hand"] = ("Hand over", "转交"),
        ["action.correct-triage"] = ("Correct the triage", "更正分诊"),
        ["field.reached"] = ("Reached the customer", "已联系上客户"),
        ["field.note"] = ("Note", "备注"),
        ["field.finding"] = ("What the investigation found", "调查发现"),
        ["field.confirmation"] = ("Written confirmation to the customer", "给客户的书面确认"),
        ["field.preferred"] = ("What the customer prefers instead", "客户期望的方案"),
        ["field.department"] = ("Department", "部门"),
        ["field.request"] = ("What you need from them", "需要对方做什么"),
        ["field.comment"] = ("Comment", "评价"),
        ["field.emotion"] = ("Emotion", "情绪"),
        ["field.emergency"] = ("Declare an emergency", "声明紧急情况"),
        ["field.clear-emergency"] = ("Clear the emergency", "解除紧急状态"),
        ["decision.none"] = ("No remedy proposed yet.", "尚未提出补救方案。"),
        ["decision.accepted"] = ("Accepted", "接受"),
        ["decision.rejected"] = ("Rejected", "拒绝"),
        ["survey.timeliness"] = ("Timeliness", "及时性"),
        ["survey.solution"] = ("Solution", "解决方案"),
        ["survey.attitude"] = ("Attitude", "服务态度"),
        ["complaint.similar"] = ("Similar resolved cases", "类似已解决案例"),
        ["board.callbacks"] = ("Call-backs due", "待回访"),
        ["kpis.suggestions"] = ("Suggestions from customers", "客户建议"),
        ["audit.reads"] = ("Who read this customer's data", "个人数据读取记录"),
        ["commitment.preview"] = ("This promise becomes a commitment due", "此承诺将生成期限为"),
        ["privacy.title"] = ("Erase a customer's personal data", "删除客户个人数据"),
        ["privacy.explain"] = ("Erasure destroys the customer's key: their name, contact details and words become unreadable everywhere, while the complaints' histories stay verifiable. A complaint under legal hold (still open, or within the retention period) refuses erasure, and says why.", "删除将销毁该客户的密钥：其姓名、联系方式和原话将在所有位置不可读，而投诉历史仍可验证。处于法定保留期（仍在处理或在保留期内）的投诉将拒绝删除，并说明原因。"),
        ["privacy.done"] = ("Erased. Complaints affected:", "已删除。涉及投诉："),
        ["privacy.already"] = ("This customer's data was already erased.", "该客户数据此前已删除。"),
    };
}
