namespace Complaints.Intake.Webhooks;

/// <summary>
/// Where each channel system wants its notices (configuration section <c>Complaints:Webhooks</c>),
/// and how hard the sender tries. A channel system is named by its OAuth client id, the one that
/// files its complaints: it hears about those complaints only.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Complaints:Webhooks";

    /// <summary>
    /// Endpoint and secrets per channel system, keyed by the subject its access token carries (the
    /// filer recorded on its complaints; the client id with the platform's issuer and most others, a
    /// service account's id with some), e.g. <c>Subscribers:channel-web:Url</c>.
    /// </summary>
    public Dictionary<string, WebhookSubscriber> Subscribers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a notice is retried before it waits for an operator (at least a day).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(72);

    /// <summary>The wait after the first failed attempt; each next wait doubles, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>An endpoint that has not answered by then failed this attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries in flight at once, 1 to 64 (each to a different complaint; a complaint's notices go one by one, in order).</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>How often the sender looks for new and due notices; zero turns the background sender off (tests send explicitly).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Plain http:// endpoints outside this machine are refused unless allowed (notices carry personal data).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>The texts of the notices the platform writes itself ({number}, {firstResponseDue}, {resolutionDue}).</summary>
    public NoticeTexts Texts { get; set; } = new();

    /// <summary>Why the options cannot work, or null.</summary>
    public string? Problem()
    {
        if (RetryFor < TimeSpan.FromHours(24)) return $"{Section}:RetryFor must be at least a day (a channel system down for a night loses nothing)";
        if (FirstBackoff <= TimeSpan.Zero || MaxBackoff < FirstBackoff || MaxBackoff > TimeSpan.FromDays(1))
            return $"{Section}: FirstBackoff must be positive, and MaxBackoff at least FirstBackoff and at most a day";
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5)) return $"{Section}:Timeout must be positive and at most 5 minutes";
        if (Concurrency is < 1 or > 64) return $"{Section}:Concurrency must be between 1 and 64";
        foreach (var (client, subscriber) in Subscribers)
        {
            if (!Uri.TryCreate(subscriber.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
                return $"{Section}:Subscribers:{client}:Url must be an absolute https URL";
            if (url.Scheme == "http" && !url.IsLoopback && !AllowHttp)
                return $"{Section}:Subscribers:{client}:Url must use https (notices carry personal data); AllowHttp permits http for a private network";
            if (subscriber.Secrets.Count is 0 or > 2 || subscriber.Secrets.Any(s => s.Length < 16))
                return $"{Section}:Subscribers:{client}:Secrets must hold one or two secrets (two while rotating) of at least 16 characters";
        }
        return null;
    }
}

public sealed class WebhookSubscriber
{
    public string Url { get; set; } = "";

    /// <summary>The signing secrets: every delivery is signed with each, so a channel system can move to a new secret without losing a notice.</summary>
    public List<string> Secrets { get; set; } = [];
}

public sealed class NoticeTexts
{
    public string Acknowledged { get; set; } =
        "您的投诉 {number} 已受理，我们会在 {firstResponseDue} 前联系您，并在 {resolutionDue} 前给您答复。" +
        "Your complaint {number} has been received: we will contact you by {firstResponseDue} and answer it by {resolutionDue}.";

    public string Resolved { get; set; } = "您的投诉 {number} 已处理完毕。Your complaint {number} has been resolved.";

    public string Closed { get; set; } = "您的投诉 {number} 已结案，感谢您的反馈。Your complaint {number} is closed. Thank you for your feedback.";

    // No date: the reopened case's new date is set afterwards and told in its own notice (new_resolution_date).
    public string Reopened { get; set; } =
        "您的投诉 {number} 已重新开启，由一位资深同事负责处理。" +
        "Your complaint {number} has been reopened; a senior colleague now owns it.";
}

/// <summary>Refuses to start with unusable webhook options, saying which setting and why.</summary>
public sealed class WebhookOptionsValidation : Microsoft.Extensions.Options.IValidateOptions<WebhookOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, WebhookOptions options) =>
        options.Problem() is { } problem ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problem) : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
