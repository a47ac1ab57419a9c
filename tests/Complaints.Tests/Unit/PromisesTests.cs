using Complaints.Resolution.Wording;

namespace Complaints.Tests.Unit;

public sealed class PromisesTests
{
    private static readonly DateTimeOffset Friday = new(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("王先生，2小时内给您书面答复。", 120)]
    [InlineData("我半小时之内给您回电。", 30)]
    [InlineData("兩個小時內給您答覆。", 120)]
    [InlineData("I will call you back within 10 minutes.", 10)]
    [InlineData("You will hear from me in 2 hours.", 120)]
    [InlineData("I will call you within an hour.", 60)]
    [InlineData("我们会在３天内处理完毕。", 4320)]
    public void A_concrete_time_is_a_promise(string message, int minutes)
    {
        var promise = Promises.Find(message);
        Assert.NotNull(promise);
        Assert.Equal(Friday.AddMinutes(minutes), Promises.DueBy(promise, Friday));
    }

    [Fact]
    public void Working_days_skip_the_weekend()
    {
        var promise = Promises.Find("I will send the written answer within 2 working days.")!;
        Assert.Equal(Friday.AddDays(4), Promises.DueBy(promise, Friday));
        Assert.Equal(Friday.AddDays(3), Promises.DueBy(Promises.Find("1个工作日内给您答复")!, Friday));
    }

    [Theory]
    [InlineData("I will look into it and call you back.")]
    [InlineData("The fee was charged 2 times in 3 months.")]
    [InlineData("我的工号是1024。")]
    public void No_concrete_time_no_promise(string message)
    {
        Assert.Null(Promises.Find(message));
    }
}
