using CityOps.Grains.Configuration;

namespace CityOps.Grains.Dispatch;

/// <summary><c>CityOps:Dispatch</c>: pushing case events to the dispatch system (派遣系统).</summary>
public sealed class DispatchOptions
{
    /// <summary>Where every case event is POSTed; unset: no webhook (events still go to the log and SSE).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>First wait after a failed delivery; doubled per failure (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts in one go (Polly retries, exponential with jitter) before the event waits in the outbox.</summary>
    public int AttemptsPerRound { get; set; } = 3;

    /// <summary>How long one POST may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(WebhookUrl);

    public const string Section = "CityOps:Dispatch";

    public static void Check(DispatchOptions o, OptionsProblems problems)
    {
        problems.Require(!o.Enabled || Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https", nameof(WebhookUrl), o.WebhookUrl, "must be an absolute http(s) URL");
        problems.Require(o.RetryDelay > TimeSpan.Zero, nameof(RetryDelay), o.RetryDelay, "must be positive");
        problems.Require(o.MaxRetryDelay >= o.RetryDelay, nameof(MaxRetryDelay), o.MaxRetryDelay, "must be at least RetryDelay");
        problems.Require(o.AttemptsPerRound >= 1, nameof(AttemptsPerRound), o.AttemptsPerRound, "must be at least 1");
        problems.Require(o.Timeout > TimeSpan.Zero, nameof(Timeout), o.Timeout, "must be positive");
    }
}
