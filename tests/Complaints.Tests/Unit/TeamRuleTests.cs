using Complaints.Routing.RouteComplaint;

namespace Complaints.Tests.Unit;

public sealed class TeamRuleTests
{
    [Theory]
    [InlineData("regulator_hotline", TeamRule.RegulatorLiaison)]
    [InlineData("phone", TeamRule.CustomerCare)]
    [InlineData("social_media", TeamRule.CustomerCare)]
    public void Team_follows_the_channel(string channel, string team)
    {
        var (picked, rule) = TeamRule.Pick(channel);
        Assert.Equal(team, picked);
        Assert.Contains(team, rule);
    }
}
