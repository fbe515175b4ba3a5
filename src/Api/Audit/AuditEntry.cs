namespace CityOps.Api.Audit;

/// <summary>One write request as the audit log keeps it: who, what, on which resource, the answer, and when.</summary>
/// <param name="Actor">The API key's name, <c>anonymous@loopback</c> on an open API, or <c>unauthenticated@{ip}</c> for a refused key.</param>
/// <param name="Repeats">How many requests the entry stands for: refusals repeated within a minute are one entry (<see cref="AuditAggregation"/>).</param>
/// <param name="ResourceId">The id the request named (<c>{id}</c> in the path) or created (<c>Location</c>); null when neither.</param>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset At,
    string Actor,
    string Method,
    string Path,
    string? ResourceId,
    int Status,
    string? RemoteAddress,
    int Repeats = 1);
