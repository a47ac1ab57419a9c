using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Complaints.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Complaints.Tests.Integration;

/// <summary>
/// The HTTP/JSON API as a channel system without gRPC uses it: plain HTTP/1.1 requests with JSON
/// bodies and a bearer token, the statuses and google.rpc.Status bodies of every refusal, the
/// Idempotency-Key header, and each service's OpenAPI document (valid, and as committed).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class HttpApiTests(PlatformFixture platform)
{
    private static readonly HttpClient Http = new() { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, WebApplication app, string path, string? clientId, object? body = null,
        string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, new Uri(PlatformFixture.HttpApiOf(app), path));
        if (clientId is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await platform.TokenAsync(clientId));
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (body is not null) request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return await Http.SendAsync(request);
    }

    private static object Filing(string? idempotencyKey = null) => new Dictionary<string, object?>
    {
        ["channel"] = "CHANNEL_WEB_CHAT",
        ["customer"] = new { customerId = $"HTTP-{Guid.NewGuid():N}"[..16], name = "Ann Lee", email = "ann@example.com" },
        ["description"] = "My broadband has dropped every evening this week; the router's light goes red.",
        ["requests"] = new[] { "CUSTOMER_REQUEST_FIX" },
        ["idempotencyKey"] = idempotencyKey,
    };

    private static async Task<JsonObject> JsonOf(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    [Fact]
    public async Task A_channel_files_a_complaint_with_plain_json_and_reads_it_back()
    {
        var key = $"web-{Guid.NewGuid():N}";
        var filing = Filing();
        using var filed = await SendAsync(HttpMethod.Post, platform.IntakeApp, "/v1/complaints", "channel-phone", filing, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        Assert.Equal(new Version(1, 1), filed.Version);
        var acknowledgement = await JsonOf(filed);
        var complaintId = acknowledgement["complaintId"]!.GetValue<string>();
        Assert.StartsWith("C-", acknowledgement["complaintNumber"]!.GetValue<string>());
        Assert.True(DateTimeOffset.Parse(acknowledgement["resolutionDue"]!.GetValue<string>()) > DateTimeOffset.Parse(acknowledgement["filedAt"]!.GetValue<string>()));

        using var read = await SendAsync(HttpMethod.Get, platform.IntakeApp, $"/v1/complaints/{complaintId}", "channel-phone");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var complaint = await JsonOf(read);
        Assert.Equal(acknowledgement["complaintNumber"]!.GetValue<string>(), complaint["complaintNumber"]!.GetValue<string>());
        Assert.Equal("CHANNEL_WEB_CHAT", complaint["channel"]!.GetValue<string>());
        Assert.Contains("router", complaint["description"]!.GetValue<string>());
        Assert.Equal("complaint_filed", complaint["history"]![0]!["eventType"]!.GetValue<string>());

        // The header works like the field: the retry answers with the same complaint, marked replayed;
        // the same key on another complaint is a conflict.
        using var retried = await SendAsync(HttpMethod.Post, platform.IntakeApp, "/v1/complaints", "channel-phone", filing, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var replay = await JsonOf(retried);
        Assert.Equal(complaintId, replay["complaintId"]!.GetValue<string>());
        Assert.True(replay["replayed"]!.GetValue<bool>());
        using var reused = await SendAsync(HttpMethod.Post, platform.IntakeApp, "/v1/complaints", "channel-phone", Filing(), idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Equal(6, (await JsonOf(reused))["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Refusals_carry_the_http_status_of_their_grpc_status_and_a_status_body()
    {
        // Bad input: 400, InvalidArgument, and each violated field.
        using var bad = await SendAsync(HttpMethod.Post, platform.IntakeApp, "/v1/complaints", "channel-phone", new { channel = "CHANNEL_WEB_CHAT" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var status = await JsonOf(bad);
        Assert.Equal(3, status["code"]!.GetValue<int>());
        var violations = status["details"]!.AsArray().Single(d => d!["@type"]!.GetValue<string>().EndsWith("google.rpc.BadRequest"))!["fieldViolations"]!.AsArray();
        Assert.Contains(violations, v => v!["field"]!.GetValue<string>() == "customer");
        Assert.Contains(violations, v => v!["field"]!.GetValue<string>() == "description");

        // The header and the field disagree: refused, naming the field.
        using var twoKeys = await SendAsync(HttpMethod.Post, platform.IntakeApp, "/v1/complaints", "channel-phone", Filing("key-a"), idempotencyKey: "key-b");
        Assert.Equal(HttpStatusCode.BadRequest, twoKeys.StatusCode);
        Assert.Contains("idempotency_key", await twoKeys.Content.ReadAsStringAsync());

        // No token: 401 with the bearer challenge and Unauthenticated.
        using var anonymous = await SendAsync(HttpMethod.Post, platform.IntakeApp, "/v1/complaints", clientId: null, Filing());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(16, (await JsonOf(anonymous))["code"]!.GetValue<int>());

        // The wrong role: an agent may not file; 403, PermissionDenied.
        using var agent = await SendAsync(HttpMethod.Post, platform.IntakeApp, "/v1/complaints", "care-01", Filing());
        Assert.Equal(HttpStatusCode.Forbidden, agent.StatusCode);
        Assert.Equal(7, (await JsonOf(agent))["code"]!.GetValue<int>());

        // A complaint that does not exist: 404, NotFound.
        using var missing = await SendAsync(HttpMethod.Get, platform.IntakeApp, $"/v1/complaints/{Guid.CreateVersion7()}", "channel-phone");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(5, (await JsonOf(missing))["code"]!.GetValue<int>());

        // A route no proto declares: 404 from the HTTP API port, which serves nothing else.
        using var unknown = await SendAsync(HttpMethod.Get, platform.IntakeApp, "/grpc.health.v1.Health/Check", "channel-phone");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Staff_routes_follow_the_same_role_rules_as_grpc()
    {
        // A supervisor reads the billing board over HTTP; an analyst may not.
        using var board = await SendAsync(HttpMethod.Get, platform.RoutingApp, "/v1/teams/billing/board?pageSize=2", "sup-billing");
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        Assert.Equal("billing", (await JsonOf(board))["team"]!.GetValue<string>());
        using var analyst = await SendAsync(HttpMethod.Get, platform.RoutingApp, "/v1/teams/billing/board", "analyst-01");
        Assert.Equal(HttpStatusCode.Forbidden, analyst.StatusCode);

        // A custom method with a body: the wording check answers as CheckWording does over gRPC.
        using var wording = await SendAsync(HttpMethod.Post, platform.ResolutionApp, "/v1/wording:check", "care-01",
            new { message = "这不是我们的责任，你自己看合同。" });
        Assert.Equal(HttpStatusCode.OK, wording.StatusCode);
        Assert.NotEmpty((await JsonOf(wording))["violations"]!.AsArray());
    }

    public static TheoryData<string> Services => new() { "intake", "routing", "resolution", "followup" };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Each_service_serves_a_valid_openapi_document_that_matches_the_committed_one(string service)
    {
        var app = service switch
        {
            "intake" => platform.IntakeApp,
            "routing" => platform.RoutingApp,
            "resolution" => platform.ResolutionApp,
            _ => platform.FollowupApp,
        };
        using var response = await SendAsync(HttpMethod.Get, app, "/openapi/v1.json", clientId: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = await response.Content.ReadAsStringAsync();

        // Valid by the OpenAPI.NET reader and its default rule set, as OpenAPI 3.1.
        var settings = new OpenApiReaderSettings();
        settings.AddJsonReader();
        var read = OpenApiDocument.Parse(served, OpenApiConstants.Json, settings);
        Assert.Empty(read.Diagnostic?.Errors ?? []);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, read.Diagnostic!.SpecificationVersion);
        var document = read.Document ?? throw new InvalidOperationException("the document did not parse");
        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Pointer}: {e.Message}")));
        var paths = document.Paths;
        Assert.NotNull(paths);
        Assert.NotEmpty(paths);
        Assert.All(paths.Values.SelectMany(p => p.Operations!.Values), operation =>
        {
            Assert.False(string.IsNullOrWhiteSpace(operation.Summary));
            Assert.Contains("401", operation.Responses!.Keys);
            Assert.NotEmpty(operation.Security!);
        });

        // Pinned: a change to the contract shows up here and is committed on purpose.
        var committed = Path.Combine(RepositoryRoot(), "docs", "api", $"{service}.openapi.json");
        var pretty = JsonNode.Parse(served)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("COMPLAINTS_UPDATE_API_DOCS") == "1") await File.WriteAllTextAsync(committed, pretty);
        Assert.True(File.Exists(committed), $"{committed} is missing; run the tests once with COMPLAINTS_UPDATE_API_DOCS=1 and commit it");
        Assert.True(pretty == await File.ReadAllTextAsync(committed),
            $"The {service} API's OpenAPI document differs from {committed}. If the contract change is intended, " +
            "run the tests with COMPLAINTS_UPDATE_API_DOCS=1 and commit the file (docs/http-api.md).");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Complaints.sln"))) return directory.FullName;
        throw new InvalidOperationException("Complaints.sln not found above " + AppContext.BaseDirectory);
    }
}
