using Complaints.Contracts.Followup.V1;
using Complaints.Domain.ComplaintStream;
using Complaints.Followup.Facts;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Complaints.Domain.Text;
using Grpc.Core;
using Marten;
using Npgsql;

namespace Complaints.Followup.CaseLibrary;

/// <summary>
/// The case library: resolved cases with their root cause, write-up, remedy and the customer's
/// verdict. By text, the nearest cases by trigram distance come first, found through the trigram
/// index (a GiST index answers "nearest first" without scanning the library).
/// </summary>
public sealed class SearchCaseLibraryHandler(IQuerySession session, NpgsqlDataSource database, PersonalDataProtector personalData)
{
    public const int MaxSimilar = 20;
    /// <summary>Below this share of common trigrams two texts have nothing in common worth reading.</summary>
    public const double MinSimilarity = 0.04;
    private const int MaxQueryLength = 4000;

    public async Task<SearchCaseLibraryResponse> HandleAsync(SearchCaseLibraryRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var category = request.Category.Trim();
        var rootCause = request.RootCauseCategory.Trim().ToLowerInvariant();
        var similarTo = await SimilarToAsync(request, caller, cancellationToken);

        List<(ComplaintFacts Facts, double Similarity)> found;
        if (similarTo.Length > 0)
        {
            var scores = await NearestAsync(similarTo, cancellationToken);
            var facts = await session.LoadManyAsync<ComplaintFacts>(cancellationToken, scores.Keys);
            found = facts
                .Where(f => (category.Length == 0 || f.Category == category) && (rootCause.Length == 0 || f.RootCauseCategory == rootCause))
                .Select(f => (f, scores[f.Id]))
                .OrderByDescending(x => x.Item2).Take(MaxSimilar).ToList();
        }
        else
        {
            var query = session.Query<ComplaintFacts>().Where(f => f.RootCauseCategory != "" || f.HasCaseSummary);
            if (category.Length > 0) query = query.Where(f => f.Category == category);
            if (rootCause.Length > 0) query = query.Where(f => f.RootCauseCategory == rootCause);
            found = (await query.OrderByDescending(f => f.FiledAt).Take(200).ToListAsync(cancellationToken)).Select(f => (f, 0.0)).ToList();
        }

        var texts = (await session.LoadManyAsync<CaseLibraryText>(cancellationToken, found.Select(x => x.Facts.Id))).ToDictionary(t => t.Id);
        var response = new SearchCaseLibraryResponse();
        response.Entries.AddRange(found.Select(x =>
        {
            var (f, similarity) = x;
            var text = texts.GetValueOrDefault(f.Id);
            return new CaseLibraryEntry
            {
                ComplaintId = f.Id.ToString(),
                ComplaintNumber = f.ComplaintNumber,
                Category = f.Category,
                Team = f.Team,
                RootCauseCategory = f.RootCauseCategory,
                Whys = { f.Whys },
                ActionIds = { f.ImprovementActions.Select(a => a.ToString()) },
                Surveyed = f.Surveyed,
                Satisfaction = f.Surveyed ? (f.Timeliness + f.Solution + f.Attitude) / 3.0 : 0,
                Nps = f.Nps,
                Satisfied = f.Satisfied,
                MaskedDescription = text?.MaskedDescription ?? "",
                HandlingSummary = text?.HandlingSummary ?? "",
                RemedyKind = f.RemedyKind,
                RemedyAmount = f.RemedyKind.Length > 0 ? f.RemedyAmount.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
                RemedyCurrency = f.RemedyCurrency,
                Similarity = similarity,
            };
        }));
        return response;
    }

    /// <summary>The library's cases nearest to the text by trigram distance (through the GiST index), with their similarity.</summary>
    private async Task<Dictionary<Guid, double>> NearestAsync(string text, CancellationToken cancellationToken)
    {
        var table = session.DocumentStore.Options.Schema.For<CaseLibraryText>(true);
        await using var command = database.CreateCommand(
            $"select id, similarity(data ->> 'SearchText', $1)::float8 from {table} order by (data ->> 'SearchText') <-> $1 limit $2");
        command.Parameters.Add(new NpgsqlParameter { Value = text });
        command.Parameters.Add(new NpgsqlParameter { Value = MaxSimilar * 5 });
        var scores = new Dictionary<Guid, double>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            if (reader.GetDouble(1) >= MinSimilarity) scores[reader.GetGuid(0)] = reader.GetDouble(1);
        return scores;
    }

    /// <summary>The text to compare with, normalised as the library's is: given, or the complaint's own description.</summary>
    private async Task<string> SimilarToAsync(SearchCaseLibraryRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        if (request.SimilarToText.Length > MaxQueryLength) violations.Add("similar_to_text", $"is longer than {MaxQueryLength} characters");
        if (request.SimilarToText.Length > 0 && request.SimilarToComplaintId.Length > 0)
            violations.Add("similar_to_complaint_id", "give a text or a complaint, not both");
        var complaintId = Guid.Empty;
        if (request.SimilarToComplaintId.Length > 0 && !Guid.TryParse(request.SimilarToComplaintId, out complaintId))
            violations.Add("similar_to_complaint_id", "is not a complaint id (a UUID)");
        violations.ThrowIfAny();
        if (request.SimilarToComplaintId.Length == 0) return CustomerText.Normalize(request.SimilarToText);

        var events = await session.Events.FetchStreamAsync(complaintId, token: cancellationToken);
        var life = ComplaintLife.Fold(complaintId, events.Select(e => (e.Version, e.Data)))
                   ?? throw new RpcException(new Status(StatusCode.NotFound, $"No complaint with id {complaintId}"));
        // Naming a complaint uses its customer's words: only someone who may work it names it (an
        // agent their own case, a supervisor their team's); the library's readers of every case
        // (managers, the committee, analysts, auditors) any.
        caller.Require(!caller.Is(Roles.Agent) || life.Owner == caller.Subject, "an agent searches by a complaint only from their own cases");
        caller.Require(!caller.Is(Roles.Supervisor) || life.Owner == caller.Subject || (life.Team.Length > 0 && life.Team == caller.Team),
            "a supervisor searches by a complaint only from their own team's cases");
        // The customer's words are compared in memory and go nowhere else: not into a log, not into the response.
        var description = await personalData.RevealAsync(life.Description, cancellationToken);
        if (description == PersonalDataProtector.Erased)
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "The complaint's description was erased; search by text instead"));
        var normalized = CustomerText.Normalize(description);
        return normalized.Length <= MaxQueryLength ? normalized : normalized[..MaxQueryLength];
    }
}
