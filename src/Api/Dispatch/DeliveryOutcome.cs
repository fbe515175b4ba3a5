namespace CityOps.Api.Dispatch;

/// <summary>How one delivery of a case event ended.</summary>
public enum DeliveryOutcome
{
    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Down, timed out, 5xx, 408 or 429: the event waits in the outbox and is tried again later.</summary>
    RetryLater,

    /// <summary>Any other 4xx: the receiver refuses this event; retrying would not help, so it is parked.</summary>
    Refused,
}
