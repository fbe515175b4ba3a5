using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;

namespace CityOps.Ingest.Influx;

/// <summary>
/// Sends line protocol (nanosecond timestamps) to InfluxDB: the 1.x API over plain HTTP (<c>/write?db=</c>, database
/// created when missing), or the 2.x/3.x API (<c>/api/v2/write?org=&amp;bucket=</c>, <c>Authorization: Token</c>)
/// through InfluxDB.Client's async write API, one request per batch: batching, retries and spilling stay
/// CityOps' own (<see cref="InfluxWriter"/>), so a batch is acknowledged only once it is stored or spilled.
/// A batch InfluxDB refuses as bad (400/413/422) is halved until the bad lines are found; only those
/// are dropped and counted. Anything else (down, slow, 5xx, 401) means "unavailable": try again later.
/// </summary>
public sealed partial class InfluxClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly InfluxOptions _options;
    private readonly ILogger _logger;
    private readonly string _writePath;
    private readonly InfluxDBClient? _v2;
    private readonly WriteApiAsync? _v2Write;

    public InfluxClient(InfluxOptions options, ILogger logger, HttpMessageHandler? handler = null)
    {
        _options = options;
        _logger = logger;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(options.Url!.TrimEnd('/') + "/"),
            Timeout = options.Timeout,
        };
        if (options.IsV2)
        {
            _writePath = "";
            _v2 = V2Client(options);
            _v2Write = _v2.GetWriteApiAsync();
        }
        else
        {
            _writePath = $"write?db={Uri.EscapeDataString(options.Database)}&precision=ns";
            if (!string.IsNullOrEmpty(options.Username))
            {
                _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                    "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
            }
        }
    }

    /// <summary>True when every line is stored or was dropped as bad; false when InfluxDB is unavailable.</summary>
    public async Task<bool> WriteAsync(LineChunk batch, CancellationToken cancellationToken)
    {
        if (batch.Lines == 0)
        {
            return true;
        }

        var (status, error) = await SendAsync(batch, cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.NotFound && !_options.IsV2 && error?.Contains("database not found", StringComparison.OrdinalIgnoreCase) == true
            && await EnsureDatabaseAsync(cancellationToken).ConfigureAwait(false))
        {
            (status, error) = await SendAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        switch (status)
        {
            case HttpStatusCode.NoContent or HttpStatusCode.OK:
                InfluxMetrics.PointsWritten.Inc(batch.Lines);
                return true;
            case HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity:
                if (batch.Lines == 1)
                {
                    InfluxMetrics.PointsDropped.Inc();
                    LogDropped(_logger, error ?? status.ToString()!, Preview(batch));
                    return true;
                }

                // Writes are idempotent (same series and time overwrite), so resending the good half is harmless.
                var (first, second) = batch.Halve();
                return await WriteAsync(first, cancellationToken).ConfigureAwait(false)
                    && await WriteAsync(second, cancellationToken).ConfigureAwait(false);
            default:
                InfluxMetrics.WriteFailures.Inc();
                LogUnavailable(_logger, status is null ? "no answer" : $"{(int)status} {status}", error ?? "");
                return false;
        }
    }

    /// <summary>InfluxDB 1.x: <c>CREATE DATABASE</c> (a no-op when it exists). False when InfluxDB did not answer.</summary>
    public async Task<bool> EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        if (_options.IsV2)
        {
            return true;
        }

        try
        {
            using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("q", $"CREATE DATABASE \"{_options.Database.Replace("\"", "\\\"", StringComparison.Ordinal)}\"")]);
            using var response = await _http.PostAsync("query", content, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var status = $"{(int)response.StatusCode} {response.StatusCode}";
                LogUnavailable(_logger, status, "creating the database failed");
            }

            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The InfluxDB.Client for a 2.x/3.x target (URL, token, org, bucket, timeout and gzip from the options).</summary>
    public static InfluxDBClient V2Client(InfluxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new InfluxDBClientOptions(options.Url!) { Org = options.Org ?? "", Bucket = options.Bucket, Timeout = options.Timeout };
        if (!string.IsNullOrEmpty(options.Token))
        {
            clientOptions.Token = options.Token;
        }

        var client = new InfluxDBClient(clientOptions);
        if (options.GzipMinBytes < int.MaxValue)
        {
            // The client gzips every write or none; batches are mostly large, so all.
            client.EnableGzip();
        }

        return client;
    }

    public void Dispose()
    {
        _http.Dispose();
        _v2?.Dispose();
    }

    private async Task<(HttpStatusCode? Status, string? Error)> SendAsync(LineChunk batch, CancellationToken cancellationToken)
    {
        InfluxMetrics.Requests.Inc();
        if (_v2Write is not null)
        {
            return await SendV2Async(batch, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            using var content = Body(batch);
            using var response = await _http.PostAsync(_writePath, content, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return (response.StatusCode, null);
            }

            var error = response.Headers.TryGetValues("X-Influxdb-Error", out var values)
                ? string.Join("; ", values)
                : await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return (response.StatusCode, error.Length > 500 ? error[..500] : error);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, ex.Message);
        }
    }

    private async Task<(HttpStatusCode? Status, string? Error)> SendV2Async(LineChunk batch, CancellationToken cancellationToken)
    {
        try
        {
            // The whole batch as one record: the client sends it as the request body unchanged.
            var body = Encoding.UTF8.GetString(batch.Bytes.AsSpan(0, batch.Length - 1));
            await _v2Write!.WriteRecordAsync(body, WritePrecision.Ns, _options.Bucket, _options.Org ?? "", cancellationToken).ConfigureAwait(false);
            return (HttpStatusCode.NoContent, null);
        }
        catch (HttpException ex) when (ex.Status > 0)
        {
            return ((HttpStatusCode)ex.Status, ex.Message);
        }
        catch (Exception ex) when (ex is InfluxException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, ex.Message);
        }
    }

    private ByteArrayContent Body(LineChunk batch)
    {
        ByteArrayContent content;
        if (batch.Length >= _options.GzipMinBytes)
        {
            using var compressed = new MemoryStream(batch.Length / 4);
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(batch.Bytes);
            }

            content = new ByteArrayContent(compressed.ToArray());
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new ByteArrayContent(batch.Bytes);
        }

        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        return content;
    }

    private static string Preview(LineChunk line)
    {
        var text = Encoding.UTF8.GetString(line.Bytes).TrimEnd('\n');
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "InfluxDB refused a point as bad; dropped it ({Error}): {Line}")]
    private static partial void LogDropped(ILogger logger, string error, string line);

    [LoggerMessage(Level = LogLevel.Debug, Message = "InfluxDB write failed: {Status} {Error}")]
    private static partial void LogUnavailable(ILogger logger, string status, string error);
}
