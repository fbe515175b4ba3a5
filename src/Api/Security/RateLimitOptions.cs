using CityOps.Grains.Configuration;

namespace CityOps.Api.Security;

/// <summary>
/// <c>CityOps:RateLimit</c>: a token bucket per API key (per client IP for requests without a known key, and
/// on an open API). <see cref="Burst"/> requests at once, refilled at <see cref="RequestsPerSecond"/>;
/// beyond that 429 with <c>Retry-After</c>. Health and metrics are never limited. 0 turns limiting off.
/// </summary>
public sealed class RateLimitOptions
{
    public int RequestsPerSecond { get; set; } = 100;

    public int Burst { get; set; } = 200;

    public bool Enabled => RequestsPerSecond > 0 && Burst > 0;

    public const string Section = "CityOps:RateLimit";

    public static void Check(RateLimitOptions o, OptionsProblems problems)
    {
        problems.Require(o.RequestsPerSecond >= 0, nameof(RequestsPerSecond), o.RequestsPerSecond, "must be 0 (off) or more");
        problems.Require(o.Burst >= 0, nameof(Burst), o.Burst, "must be 0 (off) or more");
    }
}
