using Complaints.Contracts.Events;
using Complaints.Contracts.Followup.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Complaints.ServiceDefaults.ComplaintStreams;

namespace Complaints.Followup.Surveys;

/// <summary>The follow-up survey (<see cref="SurveyDecision"/>), checked, decided and written.</summary>
public sealed class RecordSurveyHandler(ComplaintWriter writer, PersonalDataProtector personalData)
{
    public async Task<RecordSurveyResponse> HandleAsync(RecordSurveyRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (!Guid.TryParse(request.ComplaintId, out var id)) violations.Add("complaint_id", "is not a complaint id (a UUID)");
        foreach (var (field, score) in new[] { ("timeliness", request.Timeliness), ("solution", request.Solution), ("attitude", request.Attitude) })
            if (score is < 1 or > 5) violations.Add(field, "must be from 1 to 5");
        if (request.Nps is < 0 or > 10) violations.Add("nps", "must be from 0 to 10");
        if (request.Comment.Length > 4000) violations.Add("comment", "is longer than 4000 characters");
        violations.ThrowIfAny();

        var command = new RecordSurvey(request.Timeliness, request.Solution, request.Attitude, request.Nps, request.Comment);
        var written = await writer.ExecuteAsync(id, new Actor(caller.Subject, caller.Role),
            async (life, _, token) => life.CustomerKeyId is { } keyId ? await personalData.CipherAsync(keyId, token) : null,
            (life, customer, now) => SurveyDecision.Decide(life, command, caller, text => customer?.Protect(PersonalField.Text, text) ?? text, now),
            cancellationToken: cancellationToken);
        var satisfied = written.Events.OfType<SurveyRecorded>().Single().Satisfied;
        return new RecordSurveyResponse { Satisfied = satisfied, Outcome = satisfied ? "closed" : "reopened" };
    }
}
