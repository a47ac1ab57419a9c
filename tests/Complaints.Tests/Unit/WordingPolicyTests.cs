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
}
