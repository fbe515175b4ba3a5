using CityOps.Grains.Configuration;

namespace CityOps.Ingest.Influx;

/// <summary>The start-up rules of <c>CityOps:Influx</c> (<see cref="InfluxOptions"/>), one line per setting.</summary>
public static class InfluxOptionsChecks
{
    public const string Section = "CityOps:Influx";

    public static void Check(InfluxOptions o, OptionsProblems problems)
    {
        problems.Require(
            o.Url is null || Uri.TryCreate(o.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https",
            nameof(o.Url), o.Url, "must be an absolute http(s) URL, e.g. http://127.0.0.1:8086");
        problems.Require(o.BatchSize > 0, nameof(o.BatchSize), o.BatchSize, "must be positive");
        problems.Require(o.MaxPendingPoints > 0, nameof(o.MaxPendingPoints), o.MaxPendingPoints, "must be positive");
        problems.Require(o.FlushInterval > TimeSpan.Zero, nameof(o.FlushInterval), o.FlushInterval, "must be positive");
        problems.Require(o.Timeout > TimeSpan.Zero, nameof(o.Timeout), o.Timeout, "must be positive");
        problems.Require(o.Retries >= 0, nameof(o.Retries), o.Retries, "must not be negative");
        problems.Require(o.MaxSpillBytes > 0, nameof(o.MaxSpillBytes), o.MaxSpillBytes, "must be positive");
        problems.Require(o.GzipMinBytes >= 0, nameof(o.GzipMinBytes), o.GzipMinBytes, "must not be negative");
        problems.Require(
            o.QueryLanguage is InfluxOptions.Flux or InfluxOptions.InfluxQl,
            nameof(o.QueryLanguage), o.QueryLanguage, "must be flux (InfluxDB 2.x) or influxql (InfluxDB 3.x)");
    }
}
