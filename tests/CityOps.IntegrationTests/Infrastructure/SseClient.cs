namespace CityOps.Tests.Infrastructure;

/// <summary>Reads server-sent events off a real HTTP response, as a browser's EventSource would.</summary>
public static class SseClient
{
    /// <summary>Connects (optionally resuming after <paramref name="lastEventId"/>), reads <paramref name="count"/> events, disconnects.</summary>
    public static async Task<List<SseEvent>> ReadAsync(HttpClient http, string path, string? lastEventId, int count, TimeSpan timeout, Func<Task>? afterConnect = null)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        if (afterConnect is not null)
        {
            await afterConnect();
        }

        var events = new List<SseEvent>();
        string? id = null, name = null;
        var data = new List<string>();
        while (events.Count < count)
        {
            var line = await reader.ReadLineAsync(cancel.Token) ?? throw new EndOfStreamException("stream ended");
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    events.Add(new SseEvent(id, name, string.Join('\n', data)));
                }

                name = null;
                data.Clear();
                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    name = value;
                    break;
                case "data":
                    data.Add(value);
                    break;
            }
        }

        return events;
    }
}
