using System.Collections.Immutable;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CityOps.Grains;

namespace CityOps.Ingest.Influx;

/// <summary>
/// Reads stored readings back from InfluxDB (InfluxQL over <c>/query</c>: the 1.x API, which 2.x answers for a
/// DBRP-mapped bucket and 3.x for its databases), as the schema of docs/telemetry.md writes them: one measurement per kind, tag
/// <c>device</c>, metric fields, <c>lat</c>/<c>lon</c>. Results are streamed in chunks, oldest first per kind.
/// A 2.x target (<c>Bucket</c> set, <c>QueryLanguage</c> <c>flux</c>) is read with InfluxDB.Client instead (<see cref="FluxReader"/>).
/// </summary>
public sealed class InfluxReader : IDisposable
{
    private static readonly HashSet<string> NotMetrics = new(StringComparer.Ordinal) { "time", "device", "grid", "unit", "lat", "lon" };

    private readonly HttpClient _http;
    private readonly string _database;
    private readonly FluxReader? _flux;

    public InfluxReader(InfluxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _database = options.IsV2 ? options.Bucket! : options.Database;
        _flux = options.IsV2 && options.QueryLanguage == InfluxOptions.Flux ? new FluxReader(options) : null;
        _http = new HttpClient { BaseAddress = new Uri(options.Url!.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(10) };
        if (options.IsV2 && !string.IsNullOrEmpty(options.Token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", options.Token);
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
        }
    }

    /// <summary>The readings of <paramref name="kind"/> in [from, to), optionally of some devices only.</summary>
    public async IAsyncEnumerable<Reading> ReadAsync(
        string kind, DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? devices, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_flux is not null)
        {
            foreach (var reading in await _flux.ReadAsync(kind, from, to, devices, cancellationToken).ConfigureAwait(false))
            {
                yield return reading;
            }

            yield break;
        }

        var query = new StringBuilder().Append(CultureInfo.InvariantCulture, $"SELECT * FROM \"{kind.Replace("\"", "", StringComparison.Ordinal)}\" WHERE time >= {from.ToUnixTimeMilliseconds()}ms AND time < {to.ToUnixTimeMilliseconds()}ms");
        if (devices is { Count: > 0 })
        {
            query.Append(" AND (").AppendJoin(" OR ", devices.Select(d => $"\"device\" = '{d.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'")).Append(')');
        }

        using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("q", query.ToString())]);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"query?db={Uri.EscapeDataString(_database)}&epoch=ms&chunked=true&chunk_size=10000") { Content = content };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"InfluxDB answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            foreach (var reading in Parse(kind, line))
            {
                yield return reading;
            }
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _flux?.Dispose();
    }

    // One chunk: {"results":[{"statement_id":0,"series":[{"name":..,"columns":[..],"values":[[..],..]}],"partial":true}]}
    private static List<Reading> Parse(string kind, string chunk)
    {
        using var document = JsonDocument.Parse(chunk);
        var readings = new List<Reading>();
        foreach (var result in document.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException("InfluxDB: " + error.GetString());
            }

            if (!result.TryGetProperty("series", out var series))
            {
                continue;
            }

            foreach (var s in series.EnumerateArray())
            {
                var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
                int Index(string name) => Array.IndexOf(columns, name);
                var (time, device, lat, lon) = (Index("time"), Index("device"), Index("lat"), Index("lon"));
                foreach (var row in s.GetProperty("values").EnumerateArray())
                {
                    var values = row.EnumerateArray().ToArray();
                    if (device < 0 || values[device].ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    var metrics = ImmutableArray.CreateBuilder<Metric>();
                    for (var i = 0; i < columns.Length; i++)
                    {
                        if (!NotMetrics.Contains(columns[i]) && values[i].ValueKind == JsonValueKind.Number)
                        {
                            metrics.Add(new Metric(columns[i], values[i].GetDouble()));
                        }
                        else if (!NotMetrics.Contains(columns[i]) && values[i].ValueKind is JsonValueKind.True or JsonValueKind.False)
                        {
                            metrics.Add(new Metric(columns[i], values[i].GetBoolean() ? 1 : 0));
                        }
                    }

                    double? Number(int index) => index >= 0 && values[index].ValueKind == JsonValueKind.Number ? values[index].GetDouble() : null;
                    readings.Add(new Reading(values[device].GetString()!, kind, values[time].GetInt64(), null, metrics.DrainToImmutable(), Number(lat), Number(lon)));
                }
            }
        }

        return readings;
    }
}
