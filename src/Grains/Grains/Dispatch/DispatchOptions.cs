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
}
