using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Prometheus;

namespace CityOps.Api.Security;

/// <summary>
/// The global rate limiter (ASP.NET Core rate limiting): one token bucket per partition, the partition being
/// the name of the API key presented (<c>key:{name}</c>) or else the client's network (<c>ip:{network}</c>, see
/// <see cref="ClientNetwork"/>: loopback as one, IPv4 /24, IPv6 /64),
/// so guessing keys is limited too. Rejections are 429 problem+json with <c>Retry-After</c> in seconds.
/// </summary>
public static class RateLimiting
{
    private static readonly Counter Rejected = Metrics.CreateCounter(
        "cityops_http_rate_limited_total", "HTTP requests refused with 429 by the rate limiter, by partition kind (key, ip).", "partition");

    public static void Configure(RateLimiterOptions limiter, RateLimitOptions limits, ApiKeyRing keys)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (!limits.Enabled || Unlimited(context.Request.Path))
            {
                return RateLimitPartition.GetNoLimiter("unlimited");
            }

            return RateLimitPartition.GetTokenBucketLimiter(PartitionOf(context, keys), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = limits.RequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        limiter.OnRejected = async (rejected, cancellationToken) =>
        {
            var context = rejected.HttpContext;
            var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
            var partition = PartitionOf(context, keys);
            Rejected.WithLabels(partition[..partition.IndexOf(':', StringComparison.Ordinal)]).Inc();
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = $"At most {limits.RequestsPerSecond} requests per second (bursts of {limits.Burst}) per API key or client; retry after {seconds} s.",
                },
            });
        };
    }

    /// <summary>What a request is counted against: its API key's name, or its client's network.</summary>
    public static string PartitionOf(HttpContext context, ApiKeyRing keys) =>
        keys.TryFind(ApiKeyRing.Presented(context.Request), out var holder)
            ? "key:" + holder.Name
            : "ip:" + ClientNetwork.Of(context.Connection.RemoteIpAddress);

    private static bool Unlimited(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics");
}
