using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CityOps.Tests.Infrastructure;

/// <summary>
/// Stands in for an InfluxDB 2.x server, which no package installs here: an in-process HTTP server on a free loopback
/// port that records every request (path, query, headers, body un-gzipped) and answers as InfluxDB 2.x does:
/// <c>POST /api/v2/write</c> 204, or 422 with a JSON error for a line holding <c>bad="</c>, or a scripted status
/// (429 with <c>Retry-After</c>, 503, …); <c>POST /api/v2/query</c> the annotated CSV it is given.
/// It checks only what a test asserts: it is no InfluxDB, so nothing is stored or queried for real.
/// </summary>
public sealed class InfluxV2Recorder : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _received = new();
    private readonly ConcurrentQueue<int> _scripted = new();
    private readonly WebApplication _server;

    private InfluxV2Recorder(WebApplication server, string url)
    {
        _server = server;
        Url = url;
    }

    public string Url { get; }

    public IReadOnlyList<RecordedRequest> Received => [.. _received];

    /// <summary>The status every write gets once the scripted ones are used up (204 = stored).</summary>
    public int WriteStatus { get; set; } = StatusCodes.Status204NoContent;

    /// <summary>What <c>/api/v2/query</c> answers: annotated CSV, or a JSON error with <see cref="QueryStatus"/>.</summary>
    public string QueryAnswer { get; set; } = "";

    public int QueryStatus { get; set; } = StatusCodes.Status200OK;

    /// <summary>The lines of every write that was answered 2xx, in the order they were stored.</summary>
    public IEnumerable<string> StoredLines => Received.Where(r => r.Path == "/api/v2/write" && r.Status < 300).SelectMany(r => r.Lines);

    public static async Task<InfluxV2Recorder> StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        var recorder = new InfluxV2Recorder(builder.Build(), url);
        recorder._server.MapPost("/api/v2/write", recorder.WriteAsync);
        recorder._server.MapPost("/api/v2/query", recorder.QueryAsync);
        await recorder._server.StartAsync();
        return recorder;
    }

    /// <summary>The next writes get these statuses, one each, before <see cref="WriteStatus"/> applies again.</summary>
    public void Script(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _scripted.Enqueue(status);
        }
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task<IResult> WriteAsync(HttpRequest request)
    {
        var body = await BodyAsync(request);
        var status = _scripted.TryDequeue(out var scripted) ? scripted
            : body.Contains("bad=\"", StringComparison.Ordinal) ? StatusCodes.Status422UnprocessableEntity
            : WriteStatus;
        Record(request, body, status);
        if (status == StatusCodes.Status429TooManyRequests)
        {
            request.HttpContext.Response.Headers.RetryAfter = "1";
        }

        // InfluxDB 2.x answers errors as {"code": "...", "message": "..."}.
        return status < 300
            ? Results.StatusCode(status)
            : Results.Json(new { code = status == 422 ? "unprocessable entity" : "unavailable", message = $"recorded server answered {status}" }, statusCode: status);
    }

    private async Task<IResult> QueryAsync(HttpRequest request)
    {
        Record(request, await BodyAsync(request), QueryStatus);
        return QueryStatus < 300
            ? Results.Text(QueryAnswer, "text/csv; charset=utf-8")
            : Results.Json(new { code = "invalid", message = QueryAnswer }, statusCode: QueryStatus);
    }

    private void Record(HttpRequest request, string body, int status) => _received.Enqueue(new RecordedRequest(
        request.Method, request.Path, request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
        request.Headers.Authorization, request.Headers.ContentEncoding, request.Headers.UserAgent, body, status));

    private static async Task<string> BodyAsync(HttpRequest request)
    {
        var body = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
        using var reader = new StreamReader(body);
        return await reader.ReadToEndAsync();
    }
}
