using Complaints.Contracts.Followup.V1;
using Complaints.Contracts.Intake.V1;
using Complaints.Tests.Infrastructure;
using Google.Rpc;
using Grpc.Core;

namespace Complaints.Tests.Integration;

/// <summary>
/// The case library on real servers: staff write resolved cases up without personal data, colleagues
/// find them by similar words in Chinese or English (pg_trgm), and erasure takes them out again.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CaseLibraryTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static FileComplaintRequest Complaint(string description)
    {
        var request = Requests.Valid(Channel.Email, description);
        request.Customer.Name = "欧阳娜娜";
        return request;
    }

    [Fact]
    public async Task A_written_up_case_is_found_by_similar_words_with_its_remedy_and_leaves_the_library_on_erasure()
    {
        // Letters only, so that the screen for long numbers never trips on the run's own tag.
        var tag = string.Concat(Guid.NewGuid().ToString("N")[..6].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))));
        var fee = Complaint($"我的信用卡{tag}年费被重复扣了两次，请退还。");
        var (feeCase, feeAgent) = await Journeys.ResolvedAsync(platform, fee);
        var (parcelCase, parcelAgent) = await Journeys.ResolvedAsync(platform, Complaint("快递包裹丢失，三天没有人联系我。"));
        var feeWriter = platform.FollowupAs(feeAgent);

        // Personal data is refused field by field, and the refusal does not repeat it.
        var named = await Assert.ThrowsAsync<RpcException>(() => feeWriter.WriteCaseSummaryAsync(new WriteCaseSummaryRequest
        {
            ComplaintId = feeCase, MaskedDescription = "欧阳娜娜的信用卡年费被重复扣收。", HandlingSummary = "当日退还。",
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, named.StatusCode);
        Assert.Equal(["masked_description"], named.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
        Assert.DoesNotContain("欧阳娜娜", named.Status.Detail);

        // Another agent's case is not theirs to write up.
        var notTheirs = await Assert.ThrowsAsync<RpcException>(() => platform.FollowupAs(parcelAgent == feeAgent ? "log-01" : parcelAgent).WriteCaseSummaryAsync(
            new WriteCaseSummaryRequest { ComplaintId = feeCase, MaskedDescription = "年费重复扣收。", HandlingSummary = "退还。" }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, notTheirs.StatusCode);

        await feeWriter.WriteCaseSummaryAsync(new WriteCaseSummaryRequest
        {
            ComplaintId = feeCase,
            MaskedDescription = $"信用卡{tag}年费被重复扣收两次，客户要求退还。",
            HandlingSummary = "核对账单确认批处理重复扣费，当日退还并致歉；告知客户退款三个工作日内到账。",
        });
        await platform.FollowupAs(parcelAgent).WriteCaseSummaryAsync(new WriteCaseSummaryRequest
        {
            ComplaintId = parcelCase, MaskedDescription = "快递包裹丢失，客户三天未获联系。", HandlingSummary = "联系物流追踪，重新发货并退还运费。",
        });
        var history = await platform.IntakeAs("auditor-01").GetComplaintAsync(new GetComplaintRequest { ComplaintId = feeCase });
        Assert.Contains(history.History, h => h.EventType == "case_summary_written" && h.DataJson.Contains("批处理重复扣费"));
        // At rest the texts are sealed under the customer's key.
        await using (var stored = platform.Database.CreateCommand(
            $"select data::text from {Complaints.ServiceDefaults.ComplaintsSettings.EventStoreSchema}.mt_events where stream_id = @id and type = 'case_summary_written'"))
        {
            stored.Parameters.AddWithValue("id", Guid.Parse(feeCase));
            var raw = (string)(await stored.ExecuteScalarAsync())!;
            Assert.DoesNotContain("批处理", raw);
            Assert.Contains("pd1.", raw);
        }

        // Similar words, in Traditional characters: the fee case first, with what was done and the remedy; the parcel case not at all.
        var similar = await WaitForAsync(() => platform.FollowupAs("bill-02").SearchCaseLibraryAsync(
            new SearchCaseLibraryRequest { SimilarToText = $"信用卡{tag}年費重複扣款了" }).ResponseAsync, r => r.Entries.Any(e => e.ComplaintId == feeCase && e.RemedyKind.Length > 0));
        var first = similar.Entries[0];
        Assert.Equal(feeCase, first.ComplaintId);
        Assert.Equal(("refund", "30", "CNY"), (first.RemedyKind, first.RemedyAmount, first.RemedyCurrency));
        Assert.Contains("当日退还", first.HandlingSummary);
        Assert.InRange(first.Similarity, SearchCaseLibraryHandlerMin, 1);
        Assert.DoesNotContain(similar.Entries, e => e.ComplaintId == parcelCase);
        Assert.Equal(similar.Entries.Select(e => e.Similarity).OrderDescending(), similar.Entries.Select(e => e.Similarity));

        // Found through a trigram index that can order by distance, not by reading the whole library.
        await using (var index = platform.Database.CreateCommand(
            $"select string_agg(indexdef, ' ') from pg_indexes where schemaname = '{Complaints.ServiceDefaults.ComplaintsSettings.EventStoreSchema}' and tablename = 'mt_doc_caselibrarytext'"))
        {
            var definitions = (string)(await index.ExecuteScalarAsync())!;
            Assert.Matches(@"USING gist \(\(?\(?data ->> 'SearchText'.*gist_trgm_ops", definitions);
        }

        // An agent looking for precedents for an open complaint: its own words find the fee case.
        var open = await platform.Intake.FileComplaintAsync(Complaint($"信用卡{tag}年费又重复扣了"));
        var holder = (await platform.WaitForComplaintAsync(open.ComplaintId, c => c.AgentId.Length > 0, Timeout)).AgentId;
        var precedents = await platform.FollowupAs(holder).SearchCaseLibraryAsync(new SearchCaseLibraryRequest { SimilarToComplaintId = open.ComplaintId });
        Assert.Equal(feeCase, precedents.Entries[0].ComplaintId);
        var both = await Assert.ThrowsAsync<RpcException>(() => platform.Followup.SearchCaseLibraryAsync(
            new SearchCaseLibraryRequest { SimilarToText = "年费", SimilarToComplaintId = open.ComplaintId }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, both.StatusCode);

        // Erasure: closed, past retention, erased; the library forgets the case's words.
        await platform.WaitForComplaintAsync(feeCase, c => c.History.Any(h => h.EventType == "callback_scheduled"), Timeout);
        await feeWriter.RecordSurveyAsync(new RecordSurveyRequest { ComplaintId = feeCase, Timeliness = 5, Solution = 5, Attitude = 5, Nps = 10 });
        platform.Clock.Advance(PlatformFixture.Retention + TimeSpan.FromDays(1));
        await platform.IntakeAs("privacy-01").EraseCustomerDataAsync(new EraseCustomerDataRequest { CustomerId = fee.Customer.CustomerId, Reason = "DSR-LIB-1" });
        await WaitForAsync(() => platform.FollowupAs("bill-02").SearchCaseLibraryAsync(new SearchCaseLibraryRequest { SimilarToText = $"信用卡{tag}年費重複扣款了" }).ResponseAsync,
            r => r.Entries.All(e => e.ComplaintId != feeCase));
        var again = await Assert.ThrowsAsync<RpcException>(() => feeWriter.WriteCaseSummaryAsync(new WriteCaseSummaryRequest
        {
            ComplaintId = feeCase, MaskedDescription = "年费重复扣收。", HandlingSummary = "退还。",
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    private const double SearchCaseLibraryHandlerMin = Complaints.Followup.CaseLibrary.SearchCaseLibraryHandler.MinSimilarity;

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(100);
        }
    }
}
