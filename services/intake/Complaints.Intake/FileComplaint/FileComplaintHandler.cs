using System.Security.Cryptography;
using Complaints.Contracts.Events;
using Complaints.Contracts.Intake.V1;
using Complaints.Intake.CustomerHistory;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.ComplaintStreams;
using Complaints.ServiceDefaults.PersonalData;
using Complaints.ServiceDefaults.Security;
using Complaints.Domain.ServiceLevels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;
using Google.Protobuf;
using JasperFx;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.FileComplaint;

/// <summary>
/// Files a complaint: validates it, answers a channel's retry with the original complaint,
/// recognises the customer and a repeat, starts the stream with <see cref="ComplaintFiled"/>
/// and acknowledges with concrete deadlines. Stream, receipt and history row commit together.
/// </summary>
public sealed class FileComplaintHandler(
    IDocumentStore store,
    SlaPolicy sla,
    PersonalDataProtector personalData,
    IOptions<IntakeOptions> options,
    TimeProvider clock,
    ILogger<FileComplaintHandler> logger)
{
    public async Task<FileComplaintResponse> HandleAsync(FileComplaintRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        FileComplaintValidator.Validate(request, now).ThrowIfAny();

        var channel = Channels.Name(request.Channel);
        var idempotencyKey = request.IdempotencyKey.Trim();
        // Keys are the channel system's own: two systems using the same key file two complaints.
        var receiptId = idempotencyKey.Length > 0 ? FilingReceipt.IdFor($"{caller.Subject}/{channel}", idempotencyKey) : null;
        var fingerprint = Fingerprint(request);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await FileAsync(request, caller, channel, idempotencyKey, receiptId, fingerprint, now, cancellationToken);
            }
            catch (Exception ex) when (attempt < 3 && IsNewCustomerKeyRace(ex))
            {
                // A concurrent first filing for the same customer created their data key first: file again with it.
            }
            catch (DocumentAlreadyExistsException) when (receiptId is not null)
            {
                // A concurrent retry with the same key committed first: answer with its complaint.
                var winner = await FindReceiptAsync(receiptId, cancellationToken)
                             ?? throw new RpcException(new Status(StatusCode.Aborted, "Concurrent filing with the same idempotency key; retry"));
                return Replay(winner, fingerprint);
            }
        }
    }

    private async Task<FileComplaintResponse> FileAsync(
        FileComplaintRequest request, Caller caller, string channel, string idempotencyKey, string? receiptId, string fingerprint,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var customerId = request.Customer.CustomerId.Trim();

        // The filing's three reads in one round trip: a retry's receipt, the customer's data key and
        // their latest complaints (every statement is a round trip to PostgreSQL; docs/benchmark.md).
        var reads = session.CreateBatchQuery();
        var storedReceipt = receiptId is null ? Task.FromResult<FilingReceipt?>(null) : reads.Load<FilingReceipt>(receiptId);
        var storedKey = reads.Query(new CustomerDataKeyOf { CustomerId = customerId });
        var latest = reads.Query(new LatestComplaintsOf { CustomerId = customerId, Count = options.Value.EarlierComplaintsLinked });
        await reads.Execute(cancellationToken);
        if (await storedReceipt is { } retried) return Replay(retried, fingerprint);

        var customer = personalData.KeyForCustomer(session, customerId, await storedKey);
        var subjectKey = RepeatComplaints.SubjectKey(request.Subject, customer.Pseudonym);
        var earlier = (await latest).ToList();
        var repeatOf = RepeatComplaints.RepeatOf(earlier, subjectKey, now, options.Value.RepeatWindow);

        // The promise: a repeat complaint already counts as high priority; triage may only tighten it.
        var deadlines = sla.For(repeatOf is null ? Priorities.General : Priorities.High, complex: false, now);

        var complaintId = Guid.CreateVersion7(now);
        var filed = new ComplaintFiled(
            complaintId,
            ComplaintNumber.For(complaintId, now),
            channel,
            customerId,
            customer.Protect(PersonalField.Name, request.Customer.Name),
            customer.Protect(PersonalField.Phone, request.Customer.Phone),
            customer.Protect(PersonalField.Email, request.Customer.Email),
            customer.Protect(PersonalField.Text, request.Description),
            request.IncidentTime?.ToDateTimeOffset(),
            now)
        {
            FiledBy = caller.Subject,
            CustomerKeyId = customer.KeyId,
            ChannelReference = request.ChannelReference,
            IdempotencyKey = idempotencyKey,
            ProductRef = request.Subject?.ProductRef ?? "",
            // References and attachments identify the customer: sealed like the other personal fields.
            OrderRef = customer.Protect(PersonalField.Reference, request.Subject?.OrderRef ?? ""),
            AccountRef = customer.Protect(PersonalField.Reference, request.Subject?.AccountRef ?? ""),
            SubjectKey = subjectKey,
            Requests = request.Requests.Select(Channels.Name).ToList(),
            ObservedEmotion = Channels.Name(request.ObservedEmotion),
            Attachments = request.Attachments.Select(a => new AttachmentInfo(
                customer.Protect(PersonalField.Reference, a.FileName), a.ContentType, a.SizeBytes, customer.Protect(PersonalField.Reference, a.Uri))).ToList(),
            IsRepeat = repeatOf is not null,
            RepeatOf = repeatOf?.Id,
            EarlierComplaintIds = earlier.Select(c => c.Id).ToList(),
            FirstResponseDue = deadlines.FirstResponseDue,
            ResolutionDue = deadlines.ResolutionDue,
        };

        var receipt = new FilingReceipt
        {
            Id = receiptId ?? "",
            RequestFingerprint = fingerprint,
            ComplaintId = complaintId,
            ComplaintNumber = filed.ComplaintNumber,
            FiledAt = now,
            FirstResponseDue = deadlines.FirstResponseDue,
            ResolutionDue = deadlines.ResolutionDue,
            Repeat = filed.IsRepeat,
            EarlierComplaintIds = [.. filed.EarlierComplaintIds],
        };

        ComplaintWriter.Start(session, new Actor(caller.Subject, caller.Role), filed);
        session.Insert(new CustomerComplaintRecord
        {
            Id = complaintId,
            CustomerId = customerId,
            ComplaintNumber = filed.ComplaintNumber,
            FiledAt = now,
            Channel = channel,
            SubjectKey = subjectKey,
            IsRepeat = filed.IsRepeat,
            RepeatOf = filed.RepeatOf,
            Summary = customer.Protect(PersonalField.Text, request.Description.Length <= 200 ? request.Description : request.Description[..200]),
        });
        if (receiptId is not null) session.Insert(receipt);
        await session.SaveChangesAsync(cancellationToken);

        logger.LogInformation("Complaint {ComplaintNumber} ({ComplaintId}) filed through {Channel}{Repeat}",
            filed.ComplaintNumber, complaintId, channel, filed.IsRepeat ? $", repeating {repeatOf!.ComplaintNumber}" : "");
        return Acknowledge(receipt, replayed: false);
    }

    private static bool IsNewCustomerKeyRace(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } pg &&
                (pg.TableName ?? pg.ConstraintName ?? "").Contains("customerdatakey", StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    private async Task<FilingReceipt?> FindReceiptAsync(string receiptId, CancellationToken cancellationToken)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<FilingReceipt>(receiptId, cancellationToken);
    }

    private static FileComplaintResponse Replay(FilingReceipt receipt, string fingerprint)
    {
        if (receipt.RequestFingerprint != fingerprint)
        {
            new FieldViolations()
                .Add("idempotency_key", $"already used for complaint {receipt.ComplaintNumber} with different content")
                .Throw(Google.Rpc.Code.AlreadyExists,
                    $"The idempotency key was already used for complaint {receipt.ComplaintNumber} with different content; use a new key for a new complaint");
        }
        return Acknowledge(receipt, replayed: true);
    }

    private static FileComplaintResponse Acknowledge(FilingReceipt receipt, bool replayed) => new()
    {
        ComplaintId = receipt.ComplaintId.ToString(),
        ComplaintNumber = receipt.ComplaintNumber,
        FiledAt = Timestamp.FromDateTimeOffset(receipt.FiledAt),
        FirstResponseDue = Timestamp.FromDateTimeOffset(receipt.FirstResponseDue),
        ResolutionDue = Timestamp.FromDateTimeOffset(receipt.ResolutionDue),
        Repeat = receipt.Repeat,
        EarlierComplaintIds = { receipt.EarlierComplaintIds.Select(id => id.ToString()) },
        Replayed = replayed,
    };

    private static string Fingerprint(FileComplaintRequest request) =>
        Convert.ToHexString(SHA256.HashData(request.ToByteArray()));
}
