using Complaints.Contracts.Events;
using Complaints.Domain.ComplaintStream;
using Complaints.Followup.CaseLibrary;
using Complaints.Domain.Rules;

namespace Complaints.Tests.Unit;

/// <summary>Writing a case up for the library, Given (the complaint's events) / When (a write-up) / Then (the sealed event, or why not).</summary>
public sealed class CaseSummaryDecisionTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid Remedy = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Customer = ["王小明", "13800138000", "wang.xm@example.com"];

    private static ComplaintLife Given(params object[] more) =>
        ComplaintLife.Fold(Id, new object[] { new ComplaintFiled(Id, "C-1", "phone", "C-9", "n", "p", "e", "d", null, T0) }
            .Concat(more).Select((e, i) => ((long)i + 1, e)))!;

    private static readonly object[] Resolved = [new ComplaintResolved(Id, Remedy, "bill-01", T0.AddHours(3))];

    private static CaseSummaryWritten When(ComplaintLife life, string description = "信用卡年费被重复扣收两次，客户要求退还。",
        string handling = "核实账单后当日退还重复年费，并说明批处理故障已修复。") =>
        CaseSummaryDecision.Decide(life, new WriteCaseSummaryCommand(description, handling), Customer, text => $"sealed:{text}", "sup-billing", T0.AddDays(1));

    [Fact]
    public void A_resolved_case_is_written_up_with_both_texts_sealed()
    {
        var written = When(Given(Resolved));
        Assert.Equal(new CaseSummaryWritten(Id, "sealed:信用卡年费被重复扣收两次，客户要求退还。", "sealed:核实账单后当日退还重复年费，并说明批处理故障已修复。",
            "sup-billing", T0.AddDays(1)), written);
    }

    [Fact]
    public void An_unresolved_case_has_nothing_to_teach_yet()
    {
        var refused = Assert.Throws<Rejection>(() => When(Given()));
        Assert.Equal(RejectionKind.FailedPrecondition, refused.Kind);
    }

    [Fact]
    public void An_erased_customers_case_stays_out_of_the_library()
    {
        var refused = Assert.Throws<Rejection>(() => When(Given([.. Resolved, new CustomerDataErased(Id, Guid.NewGuid(), "priv-01", "DSR-1", T0.AddDays(2))])));
        Assert.Equal(RejectionKind.FailedPrecondition, refused.Kind);
    }

    [Theory]
    [InlineData("客户王小明的年费被重复扣收。", "masked_description")]
    [InlineData("客户 王 小 明 的年费被重复扣收。", "masked_description")]
    [InlineData("客戶王小明的年費被重複扣收。", "masked_description")]
    [InlineData("回电 138 0013 8000 确认。", "handling_summary")]
    [InlineData("Card 6222-0212-3456-7890 was charged twice.", "masked_description")]
    [InlineData("Wrote to wang.xm@example.com with the refund.", "handling_summary")]
    [InlineData("身份证号11010519491231002X核实。", "masked_description")]
    [InlineData("Refund sent; reply to someone.else@bank.example if asked.", "handling_summary")]
    public void Text_that_identifies_anyone_is_refused_field_by_field(string personal, string field)
    {
        var refused = Assert.Throws<Rejection>(() => field == "masked_description"
            ? When(Given(Resolved), description: personal)
            : When(Given(Resolved), handling: personal));
        Assert.Equal(RejectionKind.InvalidArgument, refused.Kind);
        Assert.Equal([field], refused.Fields.Select(v => v.Field).Distinct());
        Assert.DoesNotContain(personal, refused.Message);
    }

    [Theory]
    [InlineData("2026-11-24 扣收年费 1,200 元，2026年11月25日退还。")]
    [InlineData("Refunded 300 CNY on 2026.11.25 within 3 working days.")]
    [InlineData("客户要求说明，王先生态度平和。")]
    public void Dates_sums_and_a_surname_alone_are_not_personal_data(string text)
    {
        Assert.Empty(PersonalDataScreen.Find(text, Customer));
    }
}
