using Complaints.Desk.Access;
using Complaints.Desk.Calls;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Complaints.Desk.Exports;

/// <summary>
/// Downloads (a CSV of complaints, an audit export) as plain HTTP responses of the desk, made with
/// the person's own token: the browser never talks to the services.
/// </summary>
public static class ExportEndpoints
{
    public static void MapExports(this WebApplication app)
    {
        app.MapGet("/exports/complaints.csv", async (DateTimeOffset from, DateTimeOffset to, HttpContext http, DeskSession session, DeskCalls calls) =>
        {
            await session.AdoptAsync(http);
            return await AsFileAsync(async () =>
            {
                await calls.ReadyAsync(http.RequestAborted);
                var reply = await calls.Followup.ExportComplaintsCsvAsync(new Contracts.Followup.V1.ExportComplaintsCsvRequest
                {
                    From = Timestamp.FromDateTimeOffset(from), To = Timestamp.FromDateTimeOffset(to),
                }, cancellationToken: http.RequestAborted);
                return Results.File(System.Text.Encoding.UTF8.GetBytes(reply.Csv), "text/csv; charset=utf-8", $"complaints-{from:yyyyMMdd}-{to:yyyyMMdd}.csv");
            });
        }).RequireAuthorization();

        app.MapGet("/exports/audit/{complaint}", async (string complaint, HttpContext http, DeskSession session, DeskCalls calls) =>
        {
            await session.AdoptAsync(http);
            return await AsFileAsync(async () =>
            {
                await calls.ReadyAsync(http.RequestAborted);
                using var export = calls.Audit.ExportComplaints(new Contracts.Audit.V1.ExportComplaintsRequest
                {
                    Scope = new Contracts.Audit.V1.ComplaintScope { Complaint = complaint },
                }, cancellationToken: http.RequestAborted);
                var lines = new List<string>();
                await foreach (var part in export.ResponseStream.ReadAllAsync(http.RequestAborted)) lines.AddRange(part.Lines);
                return Results.File(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), "application/x-ndjson", $"audit-{complaint}.jsonl");
            });
        }).RequireAuthorization();
    }

    private static async Task<IResult> AsFileAsync(Func<Task<IResult>> download)
    {
        try
        {
            return await download();
        }
        catch (RpcException ex)
        {
            var status = ex.StatusCode switch
            {
                StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
                StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
                StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
                StatusCode.NotFound => StatusCodes.Status404NotFound,
                StatusCode.FailedPrecondition or StatusCode.Aborted or StatusCode.AlreadyExists => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status503ServiceUnavailable,
            };
            return Results.Problem(ex.Status.Detail, statusCode: status);
        }
    }
}
