using Complaints.Resolution.Wording;

namespace Complaints.Tests.Unit;

/// <summary>The forbidden wording of the brief, in Chinese and English, with the wording file the resolution service ships.</summary>
public sealed class WordingPolicyTests
{
    private static readonly WordingPolicy Policy = WordingPolicy.Load(Path.Combine(AppContext.BaseDirectory, "wording-rules.json"));

    [Theory]
    [InlineData("I'm sorry, this is not our responsibility.", "shifting_blame")]
    [InlineData("Please ask another department about the refund.", "shifting_blame")]
    [InlineData("这不是我们的责任，您找其他部门吧。", "shifting_blame")]
    [InlineData("公司规定就是这样，没办法。", "shifting_blame")]
    [InlineData("You are wrong, the fee was disclosed.", "contradicting")]
    [InlineData("你错了，这个费用早就通知过。", "contradicting")]
    [InlineData("We will fix it as soon as possible.", "vague_promise")]
    [InlineData("我们会尽快处理。", "vague_promise")]
    [InlineData("The technician will come probably tomorrow.", "vague_promise")]
    [InlineData("Even a child understands how to reset it.", "contempt")]
    [InlineData("一分钱一分货，便宜的就是这样。", "contempt")]
    [InlineData("We see this problem all the time.", "contempt")]
    [InlineData("I DON'T KNOW when it will arrive.", "ignorance")]
    [InlineData("具体原因我也不清楚。", "ignorance")]
    public void Forbidden_wording_is_caught_with_a_preferred_form(string message, string kind)
    {
        var violations = Policy.Check(message);
        Assert.Contains(violations, v => v.Kind == kind);
        Assert.All(violations, v =>
        {
            Assert.False(string.IsNullOrWhiteSpace(v.Preferred));
            Assert.Contains(v.Phrase, message, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Theory]
    [InlineData("I am sorry for the trouble. I will coordinate the department and follow up for you; you will have a written answer within 2 hours.")]
    [InlineData("非常抱歉给您带来不便。我来协调相关部门跟进，2小时内给您书面答复，我的工号是1024。")]
    [InlineData("The record shows the fee may have been charged twice; let us check together.")]
    [InlineData("记录显示可能是系统重复扣费，我们一起核实一下。")]
    public void Good_messages_pass(string message)
    {
        Assert.Empty(Policy.Check(message));
    }

    [Fact]
    public void Every_phrase_in_a_message_is_reported()
    {
        var kinds = Policy.Check("You are wrong and I don't know; we'll see, as soon as possible.").Select(v => v.Kind).ToHashSet();
        Assert.Equal(new HashSet<string> { "contradicting", "ignorance", "vague_promise" }, kinds);
    }

    /// <summary>The seeds' own lists, verbatim: seed 000's forbidden phrases and seed 003's (Traditional script).</summary>
    [Theory]
    [InlineData("公司的规定就是这样的")]
    [InlineData("公司的规定就这样的")]
    [InlineData("你看不懂中文(英文)吗")]
    [InlineData("改天再和你联络(通知你)")]
    [InlineData("这种问题我们见得多了….")]
    [InlineData("这种问题练小孩子都明白")]
    [InlineData("这种问题连小孩子都明白")]
    [InlineData("一分钱,一分货")]
    [InlineData("这不是我们公司的原因")]
    [InlineData("我不清楚")]
    [InlineData("这种问题我们见多了")]
    [InlineData("这个事情我不知道,不清楚")]
    [InlineData("您错了")]
    [InlineData("您不应该这样做")]
    [InlineData("嚴禁使用“這不是我們的責任”")]
    [InlineData("“您找其他部門吧”等推卸責任的表述")]
    [InlineData("避免直接否定客戶，如“您錯了”")]
    [InlineData("禁止出現“盡快處理”“大概明天”等不確定表述")]
    public void The_seeds_forbidden_phrases_are_caught_verbatim_in_both_scripts(string message)
    {
        Assert.NotEmpty(Policy.Check(message));
    }

    [Theory]
    [InlineData("I don\u2019t know when it will arrive.", "ignorance")]
    [InlineData("ＹＯＵ ＡＲＥ ＷＲＯＮＧ.", "contradicting")]
    [InlineData("我们会尽\u200B快处理。", "vague_promise")]
    [InlineData("这 不是 我们的 责任。", "shifting_blame")]
    [InlineData("一分钱，一分货。", "contempt")]
    [InlineData("You   are\twrong.", "contradicting")]
    public void Full_width_zero_width_curly_quotes_and_spacing_do_not_hide_a_phrase(string message, string kind)
    {
        Assert.Contains(Policy.Check(System.Text.RegularExpressions.Regex.Unescape(message)), v => v.Kind == kind);
    }

    [Theory]
    [InlineData("If anything is not clear, call me on 1024.")]
    [InlineData("如有不清楚的地方，请随时联系我，我的工号是1024。")]
    [InlineData("I have cleared the duplicate fee; you will see it within 2 hours.")]
    [InlineData("The technician will be there at 10:00; I know this is urgent for you.")]
    [InlineData("We asked the asapro team to confirm the delivery by 15:00.")]
    public void Ordinary_sentences_with_a_word_like_clear_are_not_hits(string message)
    {
        Assert.Empty(Policy.Check(message));
    }
}
