using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace CityOps.LoadTest;

/// <summary>
/// Publishes threshold crossings and times each one until its case is visible: over the server-sent
/// event stream (<c>GET /api/v1/cases/stream</c>), or by polling <c>GET /api/v1/cases</c> where the
/// stream is not offered.
/// </summary>
public sealed class CaseWatcher(HttpClient http, string runId)
{
    private readonly ConcurrentDictionary<string, long> _published = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _visibleMs = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Method { get; private set; } = "sse";

    public int Published => _published.Count;

    public IReadOnlyCollection<double> LatenciesMs => _visibleMs.Values.ToList();

    /// <summary>The slowest crossings, by device (its number tells when in the run it was published).</summary>
    public IEnumerable<(string Device, double Ms)> Slowest(int count) =>
        _visibleMs.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value));

    /// <summary>
    /// Completes once the stream is open (or polling has begun): a case filed before that would not be seen on the stream,
    /// so crossings start after it.
    /// </summary>
    public Task Connected => _connected.Task;

    public void Crossed(string deviceId) => _published[deviceId] = Stopwatch.GetTimestamp();

    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cases/stream");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                Method = "poll";
                _connected.TrySetResult();
                await PollAsync(cancellationToken);
                return;
            }

            response.EnsureSuccessStatusCode();
            _connected.TrySetResult();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    Seen(JsonNode.Parse(line[5..]));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _connected.TrySetResult();
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_published.Count > _visibleMs.Count)
            {
                var page = JsonNode.Parse(await http.GetStringAsync("/api/v1/cases?pageSize=200", cancellationToken));
                foreach (var item in page?["items"]?.AsArray() ?? [])
                {
                    Seen(item);
                }
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    // A change as the stream or the list shows it: the case itself, or {"event":..., "case": {...}}.
    private void Seen(JsonNode? node)
    {
        var c = node?["case"] ?? node;
        var device = (string?)c?["deviceId"];
        if (device is not null && device.StartsWith("LT" + runId + "-X", StringComparison.Ordinal)
            && _published.TryGetValue(device, out var at) && !_visibleMs.ContainsKey(device))
        {
            _visibleMs[device] = Stopwatch.GetElapsedTime(at).TotalMilliseconds;
        }
    }
}
