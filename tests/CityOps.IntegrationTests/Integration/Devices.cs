using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Tests.Integration;

/// <summary>A device publisher on the real broker, plus the API calls tests make.</summary>
public sealed class Devices : IAsyncDisposable
{
    private readonly IMqttClient _client;

    private Devices(IMqttClient client) => _client = client;

    public static async Task<Devices> ConnectAsync(int port)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("test-devices-" + Guid.NewGuid().ToString("N")[..8])
            .WithCleanStart()
            .Build());
        return new Devices(client);
    }

    public Task PublishAsync(string topic, string payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        PublishAsync(topic, Encoding.UTF8.GetBytes(payload), qos);

    public async Task PublishAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).Build());

    public static string Reading(DateTimeOffset ts, long seq, string metric, double value) =>
        JsonSerializer.Serialize(new { ts = ts.ToString("O"), seq, metrics = new Dictionary<string, double> { [metric] = value } });

    public async ValueTask DisposeAsync()
    {
        await _client.DisconnectAsync();
        _client.Dispose();
    }

    public static async Task<JsonArray> CasesAsync(HttpClient http, string query)
    {
        var page = await http.GetFromJsonAsync<JsonObject>("/api/v1/cases?" + query);
        return page!["items"]!.AsArray();
    }

    public static async Task<JsonArray> WaitForCasesAsync(HttpClient http, string query, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var items = await CasesAsync(http, query);
            if (items.Count >= count || DateTime.UtcNow > deadline)
            {
                return items;
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Reads one Prometheus counter from /metrics, summed over its labels (filtered by a label match).</summary>
    public static async Task<double> MetricAsync(HttpClient http, string name, string? labelMatch = null)
    {
        var text = await http.GetStringAsync("/metrics");
        var total = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !(line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal)))
            {
                continue;
            }

            if (labelMatch is not null && !line.Contains(labelMatch, StringComparison.Ordinal))
            {
                continue;
            }

            total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }

        return total;
    }

    public static async Task WaitForMetricAsync(HttpClient http, string name, double atLeast, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await MetricAsync(http, name) < atLeast)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name} stayed at {await MetricAsync(http, name)}, expected at least {atLeast}");
            }

            await Task.Delay(50);
        }
    }
}
