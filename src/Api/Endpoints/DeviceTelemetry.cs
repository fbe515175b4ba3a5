using System.Text.RegularExpressions;
using CityOps.Ingest.Influx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>GET /api/v1/devices/{id}/telemetry?metric=&amp;hours=</c>: a device's recent readings as InfluxDB stored them (read the
/// way backtests read them, <see cref="InfluxReader"/>), in <see cref="Buckets"/> time buckets per metric (one more when the period does not start on a bucket) (min, max,
/// mean, count), enough for a chart of the last day at any reporting rate. Without InfluxDB (<c>CityOps:Influx:Url</c>
/// unset) nothing is stored to read: 404 saying so.
/// </summary>
public static partial class DeviceTelemetry
{
    public const int DefaultHours = 24;
    public const int MaxHours = 7 * 24;
    public const int Buckets = 288;

    public static IEndpointRouteBuilder MapDeviceTelemetry(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/devices/{id}/telemetry", Read)
            .WithTags("Devices")
            .WithName("GetDeviceTelemetry")
            .WithSummary("A device's stored readings of the last hours (default 24, at most 168), bucketed per metric; 404 when InfluxDB is not configured");
        return app;
    }

    private static async Task<Results<Ok<TelemetryView>, ValidationProblem, ProblemHttpResult>> Read(
        string id, string? metric, int? hours, IGrainFactory grains, IOptions<InfluxOptions> influx,
        [FromKeyedServices(CityOpsTime.Key)] TimeProvider time, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (metric is not null && !MetricName().IsMatch(metric))
        {
            errors["metric"] = ["a metric name is 1 to 64 letters, digits or underscores, e.g. depth_cm"];
        }

        if (hours is < 1 or > MaxHours)
        {
            errors["hours"] = [$"hours must be between 1 and {MaxHours}"];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (!DeviceValidation.IsDeviceId(id) || await grains.GetGrain<IDeviceGrain>(id).Get() is not { } device)
        {
            return Problems.NotFound($"No device '{id}'.");
        }

        if (string.IsNullOrEmpty(influx.Value.Url))
        {
            return Problems.NotFound("No telemetry is stored: InfluxDB is not configured (CityOps:Influx:Url), so there are no past readings to show.");
        }

        // Buckets on round times (multiples of the step since 1970), so a chart redrawn a minute later keeps its buckets.
        var to = time.GetUtcNow();
        var step = TimeSpan.FromHours(hours ?? DefaultHours) / Buckets;
        var from = DateTimeOffset.UnixEpoch + ((to - TimeSpan.FromHours(hours ?? DefaultHours) - DateTimeOffset.UnixEpoch).Ticks / step.Ticks * step);
        var slots = (int)Math.Ceiling((to - from) / step);
        var series = new SortedDictionary<string, Bucket[]>(StringComparer.Ordinal);
        try
        {
            using var reader = new InfluxReader(influx.Value);
            await foreach (var reading in reader.ReadAsync(device.Kind, from, to, [device.Id], cancellationToken))
            {
                var slot = (int)Math.Clamp((reading.Timestamp - from) / step, 0, slots - 1);
                foreach (var m in reading.Metrics)
                {
                    if ((metric is not null && m.Name != metric) || !double.IsFinite(m.Value))
                    {
                        continue;
                    }

                    if (!series.TryGetValue(m.Name, out var buckets))
                    {
                        series[m.Name] = buckets = new Bucket[slots];
                    }

                    buckets[slot] = buckets[slot].Add(m.Value);
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogReadFailed(logs.CreateLogger(typeof(DeviceTelemetry).FullName!), e, device.Id);
            return TypedResults.Problem(
                title: "The stored telemetry could not be read",
                detail: "InfluxDB did not answer the query; the failure was logged on the server. Try again.",
                statusCode: StatusCodes.Status502BadGateway);
        }

        return TypedResults.Ok(new TelemetryView(device.Id, device.Kind, from, to, (int)step.TotalSeconds, [.. series.Select(s => new SeriesView(
            s.Key, [.. s.Value.Select((b, i) => (b, i)).Where(x => x.b.Count > 0).Select(x => new PointView(from + x.i * step, x.b.Min, x.b.Max, x.b.Sum / x.b.Count, x.b.Count))]))]));
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex MetricName();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device telemetry: reading {Device}'s stored telemetry from InfluxDB failed")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string device);

    private readonly record struct Bucket(double Min, double Max, double Sum, int Count)
    {
        public Bucket Add(double value) => Count == 0
            ? new Bucket(value, value, value, 1)
            : new Bucket(Math.Min(Min, value), Math.Max(Max, value), Sum + value, Count + 1);
    }

    /// <summary>The readings of <see cref="From"/> to <see cref="To"/> in buckets of <see cref="StepSeconds"/>; empty buckets are left out.</summary>
    public sealed record TelemetryView(string DeviceId, string Kind, DateTimeOffset From, DateTimeOffset To, int StepSeconds, IReadOnlyList<SeriesView> Series);

    public sealed record SeriesView(string Metric, IReadOnlyList<PointView> Points);

    /// <summary>One bucket from <see cref="At"/>: the lowest, highest and mean value of its <see cref="Count"/> readings.</summary>
    public sealed record PointView(DateTimeOffset At, double Min, double Max, double Mean, int Count);
}
