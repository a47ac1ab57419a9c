using Complaints.Contracts.Intake.V1;
using Complaints.Intake.FileComplaint;
using Complaints.Tests.Integration;

namespace Complaints.Tests.Unit;

public sealed class FileComplaintValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_complete_filing_passes()
    {
        Assert.Empty(FileComplaintValidator.Validate(Requests.Valid(), Now).All);
    }

    [Fact]
    public void Description_at_the_limit_passes_and_one_past_it_fails()
    {
        var atLimit = Requests.Valid(description: new string('字', FileComplaintValidator.MaxDescriptionLength));
        var pastLimit = Requests.Valid(description: new string('字', FileComplaintValidator.MaxDescriptionLength + 1));

        Assert.Empty(FileComplaintValidator.Validate(atLimit, Now).All);
        var violation = Assert.Single(FileComplaintValidator.Validate(pastLimit, Now).All);
        Assert.Equal("description", violation.Field);
        Assert.Contains("4000", violation.Description);
    }

    [Fact]
    public void Email_without_an_at_sign_is_refused()
    {
        var request = Requests.Valid();
        request.Customer.Email = "not-an-address";
        Assert.Equal("customer.email", Assert.Single(FileComplaintValidator.Validate(request, Now).All).Field);
    }

    [Fact]
    public void Unknown_channel_number_is_refused()
    {
        var request = Requests.Valid();
        request.Channel = (Channel)99;
        Assert.Equal("channel", Assert.Single(FileComplaintValidator.Validate(request, Now).All).Field);
    }
}
