using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CityOps.Grains.Cluster;
using CityOps.Grains.Dispatch;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CityOps.Api.Dispatch;

/// <summary>
/// Pushes case events from the durable outbox to <c>CityOps:Dispatch:WebhookUrl</c>: at least once, in order per
/// case (an event waits while an earlier one of its case is pending), with an <c>Idempotency-Key</c> that is the
/// same on every attempt. Transient failures (down, timeout, 5xx, 408, 429) are retried by Polly with
/// exponential backoff and jitter; when a round of attempts fails, the whole outbox pauses for a growing,
/// jittered delay (no storm against a receiver that is down) and the event stays pending across restarts.
/// A 4xx refusal parks the event (counted, kept in the outbox table) and delivery goes on.
/// In a cluster only the node holding the <see cref="ILeaderLease"/> delivers; when it dies, the next holder
/// resumes from the shared outbox (an event in flight at the moment of death may be delivered twice, same key).
/// </summary>
public sealed partial class WebhookDispatcher : BackgroundService
{
    public const string HttpClientName = "cityops-webhook";

    private readonly IWebhookOutbox _outbox;
    private readonly ILeaderLease _lease;
    private readonly CaseEventHub _events;
    private readonly IHttpClientFactory _clients;
    private readonly DispatchOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<WebhookDispatcher, int> PendingByOutbox = new();
    private int _failedRounds;

    public WebhookDispatcher(
        IWebhookOutbox outbox,
        ILeaderLease lease,
        CaseEventHub events,
        IHttpClientFactory clients,
        IOptions<DispatchOptions> options,
        [FromKeyedServices(CityOpsTime.Key)] TimeProvider time,
        ILogger<WebhookDispatcher> logger)
    {
        _outbox = outbox;
        _lease = lease;
        _events = events;
        _clients = clients;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsTransient(r.StatusCode)),
                MaxRetryAttempts = Math.Max(0, _options.AttemptsPerRound - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                OnRetry = args =>
                {
                    CityOpsMetrics.WebhookFailed.WithLabels(Reason(args.Outcome)).Inc();
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(_options.Timeout)
            .Build();
    }

    // Case and alarm events have an outbox and a dispatcher each; the gauge shows what all of them still hold.
    private void SetPending(int count)
    {
        PendingByOutbox[this] = count;
        CityOpsMetrics.WebhookPending.Set(PendingByOutbox.Values.Sum());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var signals = _events.SubscribeLog(stoppingToken);
        await _lease.WaitUntilHeldAsync(stoppingToken);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var pending = await _outbox.PendingCountAsync();
            LogStarted(_logger, _options.WebhookUrl!, pending);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!_lease.IsHeld)
            {
                await _lease.WaitUntilHeldAsync(stoppingToken);
                _failedRounds = 0;
            }

            TimeSpan wait;
            try
            {
                wait = await RoundAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRoundFailed(_logger, ex);
                wait = TimeSpan.FromSeconds(5);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(wait);
            try
            {
                // A new case event wakes the dispatcher at once, unless it is pausing after failures.
                if (_failedRounds == 0)
                {
                    await signals.WaitToReadAsync(timeout.Token);
                    while (signals.TryRead(out _))
                    {
                    }
                }
                else
                {
                    await Task.Delay(wait, _time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>Delivers what is due; returns how long to wait before the next round.</summary>
    private async Task<TimeSpan> RoundAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var pending = await _outbox.PendingAsync(200);
            SetPending(await _outbox.PendingCountAsync());
            if (pending.Count == 0)
            {
                _failedRounds = 0;
                return TimeSpan.FromSeconds(30);
            }

            var now = _time.GetUtcNow();
            var waiting = new HashSet<string>(StringComparer.Ordinal);
            var progressed = false;
            DateTimeOffset? earliest = null;
            foreach (var entry in pending)
            {
                var e = entry.Event;
                if (waiting.Contains(e.CaseId))
                {
                    continue;
                }

                if (entry.NextAttemptAt > now)
                {
                    waiting.Add(e.CaseId);
                    earliest = earliest is null || entry.NextAttemptAt < earliest ? entry.NextAttemptAt : earliest;
                    continue;
                }

                var attempts = entry.Attempts + 1;
                var (outcome, detail) = await DeliverAsync(e, cancellationToken);
                switch (outcome)
                {
                    case DeliveryOutcome.Delivered:
                        await _outbox.DeliveredAsync(e.Sequence);
                        CityOpsMetrics.WebhookDelivered.Inc();
                        _failedRounds = 0;
                        progressed = true;
                        break;
                    case DeliveryOutcome.Refused:
                        await _outbox.ParkAsync(e.Sequence, attempts, detail);
                        CityOpsMetrics.WebhookParked.Inc();
                        LogParked(_logger, e.Sequence, e.CaseId, e.Event, detail);
                        progressed = true;
                        break;
                    default:
                        // The receiver is down or failing: every event waits (in order), none is hammered.
                        _failedRounds++;
                        var delay = Backoff(_failedRounds);
                        await _outbox.RetryLaterAsync(e.Sequence, attempts, _time.GetUtcNow() + delay, detail);
                        SetPending(await _outbox.PendingCountAsync());
                        LogRetryLater(_logger, e.Sequence, e.CaseId, attempts, detail, delay);
                        return delay;
                }
            }

            if (!progressed)
            {
                SetPending(await _outbox.PendingCountAsync());
                return earliest is { } next ? Max(next - now, TimeSpan.FromMilliseconds(50)) : TimeSpan.FromSeconds(1);
            }
        }
    }

    private async Task<(DeliveryOutcome Outcome, string Detail)> DeliverAsync(StoredCaseEvent e, CancellationToken cancellationToken)
    {
        var client = _clients.CreateClient(HttpClientName);
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _options.WebhookUrl)
                {
                    Content = new StringContent(e.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
                };
                request.Headers.Add("Idempotency-Key", e.Key);
                request.Headers.Add("X-CityOps-Event", e.Event);
                request.Headers.Add("X-CityOps-Sequence", e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return await client.SendAsync(request, token);
            }, cancellationToken);

            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (DeliveryOutcome.Delivered, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            CityOpsMetrics.WebhookFailed.WithLabels(IsTransient(response.StatusCode) ? "5xx" : "4xx").Inc();
            return IsTransient(response.StatusCode)
                ? (DeliveryOutcome.RetryLater, $"HTTP {status}")
                : (DeliveryOutcome.Refused, $"HTTP {status}");
        }
        catch (HttpRequestException ex)
        {
            CityOpsMetrics.WebhookFailed.WithLabels("unreachable").Inc();
            return (DeliveryOutcome.RetryLater, ex.Message);
        }
        catch (TimeoutRejectedException)
        {
            CityOpsMetrics.WebhookFailed.WithLabels("timeout").Inc();
            return (DeliveryOutcome.RetryLater, "timed out");
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var exponential = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20));
        var capped = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
        // Full jitter between half and all of the delay: restarts and many nodes do not retry in lockstep.
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble() / 2));
    }

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static string Reason(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException } => "timeout",
        { Exception: not null } => "unreachable",
        { Result: { } r } when (int)r.StatusCode >= 500 => "5xx",
        _ => "4xx",
    };

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "Case events are pushed to {Url}; {Pending} waiting in the outbox")]
    private static partial void LogStarted(ILogger logger, string url, int pending);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery of event {Sequence} (case {CaseId}) failed after {Attempts} rounds ({Detail}); outbox paused for {Delay}")]
    private static partial void LogRetryLater(ILogger logger, long sequence, string caseId, int attempts, string detail, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook receiver refused event {Sequence} (case {CaseId}, {Event}): {Detail}; parked, not retried")]
    private static partial void LogParked(ILogger logger, long sequence, string caseId, string @event, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook round failed; trying again shortly")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
