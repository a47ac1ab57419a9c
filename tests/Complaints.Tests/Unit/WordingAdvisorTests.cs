using Complaints.Resolution.Wording;

namespace Complaints.Tests.Unit;

/// <summary>The handbook's advice that is shown but never blocks a message.</summary>
public sealed class WordingAdvisorTests
{
    private static HashSet<string> Kinds(string message, bool firstResponse = false) =>
        WordingAdvisor.Advise(message, firstResponse).Select(a => a.Kind).ToHashSet();

    [Theory]
    [InlineData("We will look into it and call you back within 2 hours.", "we_instead_of_i")]
    [InlineData("我们会在2小时内给您书面答复。", "we_instead_of_i")]
    [InlineData("I am sorry, but the fee is in the contract.", "but_in_apology")]
    [InlineData("非常抱歉，但是这个费用是合同里约定的。", "but_in_apology")]
    [InlineData("對不起，不過我們稍後再聯絡您。", "but_in_apology")]
    [InlineData("I will call you back later today.", "vague_time")]
    [InlineData("我稍后给您回电。", "vague_time")]
    public void Advice_is_given(string message, string kind)
    {
        Assert.Contains(kind, Kinds(message));
    }

    [Fact]
    public void A_first_response_without_the_staff_number_is_advised_and_one_with_it_is_not()
    {
        Assert.Contains("no_staff_number", Kinds("I am sorry about this; I will call you back within 2 hours.", firstResponse: true));
        Assert.DoesNotContain("no_staff_number", Kinds("王先生，非常抱歉。我来协调网点跟进，2小时内给您书面答复，我的工号是1024。", firstResponse: true));
        Assert.DoesNotContain("no_staff_number", Kinds("Sorry for the trouble; I am Li, staff number 1024, and I will call you within 2 hours.", firstResponse: true));
        Assert.DoesNotContain("no_staff_number", Kinds("I will call you within 2 hours.", firstResponse: false));
    }

    [Fact]
    public void The_handbooks_own_example_needs_no_advice()
    {
        Assert.Empty(WordingAdvisor.Advise("王先生，非常抱歉让您久等并受到不礼貌的对待。我来协调网点跟进，2小时内给您书面答复，我的工号是1024。", firstResponse: true));
        Assert.Empty(WordingAdvisor.Advise("I understand; I will check the bill and call you back by 15:00 today. My staff number is 1024.", firstResponse: true));
    }
}
