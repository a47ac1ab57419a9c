using Complaints.Contracts.Intake.V1;
using Complaints.ServiceDefaults;

namespace Complaints.Intake.FileComplaint;

/// <summary>Checks a filing before anything is stored; every problem is reported against its field.</summary>
public static class FileComplaintValidator
{
    public const int MaxDescriptionLength = 4000;
    public const int MaxCustomerIdLength = 100;
    public const int MaxNameLength = 200;
    public const int MaxPhoneLength = 40;
    public const int MaxEmailLength = 254;
    public const int MaxReferenceLength = 200;
    public const int MaxAttachments = 10;
    public const long MaxAttachmentBytes = 25L * 1024 * 1024;
    public const int MaxRequests = 5;
    private static readonly string[] AttachmentSchemes = ["https", "http", "s3"];

    public static FieldViolations Validate(FileComplaintRequest request, DateTimeOffset now)
    {
        var violations = new FieldViolations();

        if (request.Channel == Channel.Unspecified)
            violations.Add("channel", "must name the channel the complaint came through");
        else if (!Enum.IsDefined(request.Channel))
            violations.Add("channel", $"unknown channel {(int)request.Channel}");

        if (request.Customer is null)
        {
            violations.Add("customer", "is required");
        }
        else
        {
            CheckRequired(violations, "customer.customer_id", request.Customer.CustomerId, MaxCustomerIdLength);
            CheckOptional(violations, "customer.name", request.Customer.Name, MaxNameLength);
            CheckOptional(violations, "customer.phone", request.Customer.Phone, MaxPhoneLength);
            CheckOptional(violations, "customer.email", request.Customer.Email, MaxEmailLength);
            if (!string.IsNullOrWhiteSpace(request.Customer.Email) && !request.Customer.Email.Contains('@'))
                violations.Add("customer.email", "is not an email address");
        }

        CheckRequired(violations, "description", request.Description, MaxDescriptionLength);

        if (request.IncidentTime is not null && request.IncidentTime.ToDateTimeOffset() > now.AddMinutes(5))
            violations.Add("incident_time", "cannot be in the future");

        CheckOptional(violations, "channel_reference", request.ChannelReference, MaxReferenceLength);
        CheckOptional(violations, "idempotency_key", request.IdempotencyKey, MaxReferenceLength);
        if (request.Subject is { } subject)
        {
            CheckOptional(violations, "subject.product_ref", subject.ProductRef, MaxReferenceLength);
            CheckOptional(violations, "subject.order_ref", subject.OrderRef, MaxReferenceLength);
            CheckOptional(violations, "subject.account_ref", subject.AccountRef, MaxReferenceLength);
        }

        // Each of the five requests at most once.
        if (request.Requests.Count > MaxRequests)
            violations.Add("requests", $"{request.Requests.Count} entries; name each of the {MaxRequests} kinds at most once");
        else if (request.Requests.Distinct().Count() != request.Requests.Count)
            violations.Add("requests", "names the same request more than once");
        for (var i = 0; i < Math.Min(request.Requests.Count, MaxRequests); i++)
        {
            if (request.Requests[i] == CustomerRequest.Unspecified || !Enum.IsDefined(request.Requests[i]))
                violations.Add($"requests[{i}]", "must be explanation, fix, refund or compensation, apology or policy change");
        }
        if (!Enum.IsDefined(request.ObservedEmotion))
            violations.Add("observed_emotion", $"unknown emotion level {(int)request.ObservedEmotion}");

        if (request.Attachments.Count > MaxAttachments)
            violations.Add("attachments", $"{request.Attachments.Count} attachments; the limit is {MaxAttachments}");
        for (var i = 0; i < Math.Min(request.Attachments.Count, MaxAttachments); i++)
        {
            var attachment = request.Attachments[i];
            CheckRequired(violations, $"attachments[{i}].file_name", attachment.FileName, 255);
            CheckOptional(violations, $"attachments[{i}].content_type", attachment.ContentType, 100);
            CheckOptional(violations, $"attachments[{i}].uri", attachment.Uri, 2000);
            // Agents open these links: only web and object-store addresses, never javascript:, data: or file:.
            if (attachment.Uri.Length > 0 &&
                (!Uri.TryCreate(attachment.Uri, UriKind.Absolute, out var uri) || !AttachmentSchemes.Contains(uri.Scheme)))
                violations.Add($"attachments[{i}].uri", $"must be an absolute {string.Join(", ", AttachmentSchemes)} address");
            if (attachment.SizeBytes is <= 0 or > MaxAttachmentBytes)
                violations.Add($"attachments[{i}].size_bytes", $"must be between 1 and {MaxAttachmentBytes} bytes");
        }

        return violations;
    }

    private static void CheckRequired(FieldViolations violations, string field, string value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            violations.Add(field, "is required");
        else
            CheckOptional(violations, field, value, maxLength);
    }

    private static void CheckOptional(FieldViolations violations, string field, string value, int maxLength)
    {
        if (value.Length > maxLength)
            violations.Add(field, $"is {value.Length} characters long; the limit is {maxLength}");
    }
}
