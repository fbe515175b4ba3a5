using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using CityOps.Grains;
using InfluxDB.Client;
using InfluxDB.Client.Core.Exceptions;
using InfluxDB.Client.Core.Flux.Domain;

namespace CityOps.Ingest.Influx;

/// <summary>
/// Reads stored readings back from InfluxDB 2.x with InfluxDB.Client's query API (Flux): the measurement of a kind in
/// [from, to), optionally some devices only, one row per point (fields pivoted into columns), as
/// <see cref="InfluxReader"/> reads them over InfluxQL from 1.x.
/// </summary>
public sealed class FluxReader(InfluxOptions options) : IDisposable
{
    // Columns of a pivoted row that are not metrics: Flux's own, and CityOps' tags and position.
    private static readonly HashSet<string> NotMetrics = new(StringComparer.Ordinal)
    {
        "result", "table", "_start", "_stop", "_time", "_measurement", "device", "grid", "unit", "lat", "lon",
    };

    private readonly InfluxDBClient _client = InfluxClient.V2Client(options);

    public async Task<List<Reading>> ReadAsync(
        string kind, DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? devices, CancellationToken cancellationToken)
    {
        var readings = new List<Reading>();
        Exception? failed = null;
        try
        {
            await _client.GetQueryApi().QueryAsync(
                Query(options.Bucket!, kind, from, to, devices),
                record =>
                {
                    if (ToReading(kind, record) is { } reading)
                    {
                        readings.Add(reading);
                    }
                },
                error => failed = error,
                org: options.Org ?? "",
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (InfluxException ex)
        {
            failed = ex;
        }

        // The endpoint reports InvalidOperationException as InfluxDB's answer, as it does for InfluxQL.
        return failed is null ? readings : throw new InvalidOperationException("InfluxDB: " + failed.Message, failed);
    }

    /// <summary>The Flux query: range is [start, stop), as the InfluxQL one; pivot makes one row per point.</summary>
    public static string Query(string bucket, string kind, DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? devices)
    {
        var flux = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"from(bucket: {Literal(bucket)})\n")
            .Append(CultureInfo.InvariantCulture, $"  |> range(start: {Time(from)}, stop: {Time(to)})\n")
            .Append(CultureInfo.InvariantCulture, $"  |> filter(fn: (r) => r._measurement == {Literal(kind)})\n");
        if (devices is { Count: > 0 })
        {
            flux.Append("  |> filter(fn: (r) => ").AppendJoin(" or ", devices.Select(d => $"r.device == {Literal(d)}")).Append(")\n");
        }

        return flux.Append("  |> pivot(rowKey: [\"_time\"], columnKey: [\"_field\"], valueColumn: \"_value\")").ToString();
    }

    public void Dispose() => _client.Dispose();

    private static Reading? ToReading(string kind, FluxRecord record)
    {
        if (record.GetValueByKey("device") is not string device || record.GetTimeInDateTime() is not { } time)
        {
            return null;
        }

        var metrics = ImmutableArray.CreateBuilder<Metric>();
        foreach (var (column, value) in record.Values)
        {
            if (!NotMetrics.Contains(column) && Number(value) is { } number)
            {
                metrics.Add(new Metric(column, number));
            }
        }

        var ms = new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
        return new Reading(device, kind, ms, null, metrics.DrainToImmutable(), Number(record.GetValueByKey("lat")), Number(record.GetValueByKey("lon")));
    }

    private static double? Number(object? value) => value switch
    {
        double d => d,
        long l => l,
        ulong u => u,
        bool b => b ? 1 : 0,
        _ => null,
    };

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    // A Flux string literal: backslashes, quotes and the interpolation opener escaped.
    private static string Literal(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("${", "\\${", StringComparison.Ordinal) + "\"";
}
