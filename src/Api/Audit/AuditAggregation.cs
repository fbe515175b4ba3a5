namespace CityOps.Api.Audit;

/// <summary>
/// Which audit entries stand for many requests. A refusal (status 400 and up) repeated within the same minute by the
/// same actor from the same address with the same status is one entry whose <see cref="AuditEntry.Repeats"/> counts
/// them: for a key holder, per method and path; for an unknown or missing key (<c>unauthenticated@…</c>), whatever the
/// path (the first path is kept), so a flood of 401s with random paths is one entry a minute per address and status.
/// Successful writes are always one entry each.
/// </summary>
public static class AuditAggregation
{
    public static bool Aggregates(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Status >= 400;
    }

    /// <summary>Refusals of requests without a known key are grouped whatever their method and path.</summary>
    public static bool AnyPath(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Actor.StartsWith("unauthenticated@", StringComparison.Ordinal);
    }

    /// <summary>The start of the minute <paramref name="at"/> falls in.</summary>
    public static DateTimeOffset MinuteOf(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
}
