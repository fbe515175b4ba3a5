using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace CityOps.Tests.Integration;

/// <summary>
/// Three CityOps nodes as separate processes, one cluster on one PostgreSQL, sharing the telemetry subscription of one
/// mosquitto; the node holding the cluster lease is killed with SIGKILL in the middle of a QoS 1 load and started again.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class ClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int DeviceCount = 240;
    private const int ReadingsPerDevice = 20;
    private const int CrossingEvery = 8; // every 8th device tilts past the threshold: 30 cases expected

    private CityCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await CityCluster.StartAsync("cityops-cluster", 3, TestCity.Rules);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    private IReadOnlyList<CityOpsProcess> Nodes => _cluster.Nodes;

    [Fact]
    public async Task Node_killed_mid_load_loses_no_reading_and_doubles_no_case_and_every_node_agrees()
    {
        // The node to kill is the one doing the once-only work: the lease must move to another node.
        var b = await _cluster.LeaseHolderAsync();
        var (a, c) = (Nodes.First(n => n != b), Nodes.Last(n => n != b));

        // Zones and rules changed on one node are in force on the others within seconds, with one version history.
        using (var zones = await a.Http.PutAsync("/api/v1/zones", new StringContent(TestCity.Zones, Encoding.UTF8, "application/geo+json")))
        {
            zones.EnsureSuccessStatusCode();
        }

        var rules = TestCity.Rules + """

              - id: waterlog-battery
                kind: waterlog
                metric: battery_pct
                levels: [ { severity: blue, below: 10 } ]
                case: { code: "0406", title: "电量低" }
            """;
        using (var put = await a.Http.PutAsync("/api/v1/rules", new StringContent(rules, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var version = (int)(await a.Http.GetFromJsonAsync<JsonObject>("/api/v1/rules"))!["version"]!;
        await Eventually.TrueAsync(async () =>
        {
            foreach (var node in new[] { b, c })
            {
                var inForce = await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/rules");
                var zonesThere = await node.Http.GetStringAsync("/api/v1/zones");
                if ((int)inForce!["version"]! != version || !zonesThere.Contains("410702001001002", StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(10), "rules and zones put on node 1 in force on nodes 2 and 3");

        // A case stream on node 3 sees cases raised anywhere in the cluster.
        using var sse = new HttpClient { BaseAddress = c.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var stream = await sse.GetAsync("/api/v1/cases/stream", HttpCompletionOption.ResponseHeadersRead);
        var streamed = ReadFiledCaseIdsAsync(await stream.Content.ReadAsStreamAsync());

        // The load: every device reports ReadingsPerDevice times (QoS 1), one in CrossingEvery tilts past 10°
        // half-way and stays tilted; the lease holder is killed with SIGKILL a third of the way in and restarted later.
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var published = 0;
        var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _cluster.Broker.Port).WithClientId("cluster-load").WithCleanStart().Build());
        double acceptedByKilledNode = 0;
        for (var round = 1; round <= ReadingsPerDevice; round++)
        {
            if (round == ReadingsPerDevice / 3)
            {
                // Once it has judged what it holds: what it judges after this read would be counted nowhere.
                do
                {
                    acceptedByKilledNode = await Devices.MetricAsync(b.Http, "cityops_ingest_readings_total");
                    await Task.Delay(300);
                }
                while (await Devices.MetricAsync(b.Http, "cityops_ingest_readings_total") != acceptedByKilledNode);

                await b.KillAsync();
                output.WriteLine($"lease holder killed after {published} readings published");
            }

            if (round == 2 * ReadingsPerDevice / 3)
            {
                await Eventually.TrueAsync(async () => await Devices.MetricAsync(a.Http, "cityops_cluster_lease_held") + await Devices.MetricAsync(c.Http, "cityops_cluster_lease_held") == 1,
                    TimeSpan.FromSeconds(10), "the lease moved to one of the living nodes");

                // How mosquitto treats the dead member's share: held for its session (stored) or handed to the others.
                output.WriteLine($"before the killed node restarts: {published} published, {await Devices.MetricAsync(a.Http, "cityops_ingest_readings_total") + await Devices.MetricAsync(c.Http, "cityops_ingest_readings_total")} accepted on the other nodes, {await StoredAtBrokerAsync()} held at the broker");
                await b.StartAsync(TimeSpan.FromSeconds(90));
                output.WriteLine("killed node restarted");
            }

            for (var d = 0; d < DeviceCount; d++)
            {
                var tilted = d % CrossingEvery == 0 && round >= ReadingsPerDevice / 2;
                var payload = JsonSerializer.Serialize(new
                {
                    ts = start.AddSeconds(round).ToUnixTimeMilliseconds(),
                    seq = round,
                    metrics = new Dictionary<string, double> { ["tilt_deg"] = tilted ? 45 : 1, ["n"] = round },
                });
                await publisher.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic($"city/manhole/{DeviceId(d)}/telemetry")
                    .WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build());
                published++;
            }

            await Task.Delay(250);
        }

        await publisher.DisconnectAsync();
        publisher.Dispose();

        // Every device's last reading was judged, on whichever node its grain lives now.
        await Eventually.TrueAsync(async () =>
        {
            var page = await a.Http.GetFromJsonAsync<JsonObject>($"/api/v1/devices?kind=manhole&pageSize={DeviceCount * 2}");
            var items = page!["items"]!.AsArray();
            return items.Count == DeviceCount;
        }, TimeSpan.FromSeconds(60), "every device registered");
        await Eventually.TrueAsync(async () =>
        {
            foreach (var d in Enumerable.Range(0, DeviceCount))
            {
                var device = await a.Http.GetFromJsonAsync<JsonObject>($"/api/v1/devices/{DeviceId(d)}");
                if ((double?)device!["last"]?["n"] != ReadingsPerDevice)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(60), "every device's last reading evaluated");

        // Nothing is left with the broker: every QoS 1 reading was acknowledged, which CityOps does only once judged.
        await Eventually.TrueAsync(async () => await StoredAtBrokerAsync() == 0, TimeSpan.FromSeconds(30), "no message left unacknowledged at the broker");

        // Every reading was accepted (stored; judged unless a newer one of its device was judged first: a surviving node
        // judges the dead node's held share after newer readings that went to the living members).
        var accepted = acceptedByKilledNode;
        foreach (var node in Nodes)
        {
            accepted += await Devices.MetricAsync(node.Http, "cityops_ingest_readings_total");
        }

        output.WriteLine($"published {published}, accepted {accepted} (redeliveries may count twice)");
        Assert.True(accepted >= published, $"published {published} readings, accepted {accepted}");
        foreach (var node in Nodes)
        {
            Assert.Equal(0, await Devices.MetricAsync(node.Http, "cityops_ingest_rejected_total"));
        }

        var leases = 0.0;
        foreach (var node in Nodes)
        {
            leases += await Devices.MetricAsync(node.Http, "cityops_cluster_lease_held");
        }

        Assert.Equal(1, leases);

        // Every expected case exists exactly once, and every node's API says the same.
        var expected = Enumerable.Range(0, DeviceCount).Where(d => d % CrossingEvery == 0).Select(DeviceId).Order(StringComparer.Ordinal).ToList();
        string? agreed = null;
        foreach (var node in Nodes)
        {
            var cases = (await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/cases?pageSize=500"))!["items"]!.AsArray();
            var byDevice = cases.Select(x => (string)x!["deviceId"]!).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, byDevice);
            var view = string.Join('\n', cases.Select(x => $"{x!["id"]} {x["deviceId"]} {x["status"]} {x["severity"]}").Order(StringComparer.Ordinal));
            agreed ??= view;
            Assert.Equal(agreed, view);

            var devices = (await node.Http.GetFromJsonAsync<JsonObject>($"/api/v1/devices?pageSize={DeviceCount * 2}"))!["items"]!.AsArray();
            Assert.Equal(DeviceCount, devices.Count);
            var inForce = await node.Http.GetFromJsonAsync<JsonObject>("/api/v1/rules");
            Assert.Equal(version, (int)inForce!["version"]!);
            var versions = await node.Http.GetStringAsync("/api/v1/rules/versions");
            Assert.Equal(await a.Http.GetStringAsync("/api/v1/rules/versions"), versions);
        }

        var seen = await streamed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(expected.Count, seen.Count);
    }

    private static string DeviceId(int d) => $"MH-CL-{d:D4}";

    private async Task<long> StoredAtBrokerAsync()
    {
        // mosquitto's $SYS: messages in its store, less its own retained $SYS topics (one stored message each), are
        // the readings held for sessions: queued, or in flight and not yet acknowledged.
        using var client = new MqttClientFactory().CreateMqttClient();
        var retained = new HashSet<string>(StringComparer.Ordinal);
        long? stored = null;
        client.ApplicationMessageReceivedAsync += e =>
        {
            lock (retained)
            {
                if (e.ApplicationMessage.Retain)
                {
                    retained.Add(e.ApplicationMessage.Topic);
                }

                if (e.ApplicationMessage.Topic == "$SYS/broker/store/messages/count")
                {
                    stored = long.Parse(e.ApplicationMessage.ConvertPayloadToString(), CultureInfo.InvariantCulture);
                }
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _cluster.Broker.Port).WithClientId("cluster-sys-" + Guid.NewGuid().ToString("N")[..6]).WithCleanStart().Build());
        await client.SubscribeAsync("$SYS/#");
        await Task.Delay(500); // retained messages arrive at once on subscribing
        await client.DisconnectAsync();
        lock (retained)
        {
            var held = (stored ?? throw new InvalidOperationException("mosquitto published no $SYS/broker/store/messages/count")) - retained.Count;
            output.WriteLine($"messages held at the broker: {held} ({stored} stored, {retained.Count} retained $SYS topics)");
            return held;
        }
    }

    private static async Task<HashSet<string>> ReadFiledCaseIdsAsync(Stream stream)
    {
        var filed = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new StreamReader(stream);
        var isFiled = false;
        while (filed.Count < DeviceCount / CrossingEvery && await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                isFiled = line == "event: case.filed";
            }
            else if (isFiled && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                filed.Add((string)JsonNode.Parse(line[6..])!["case"]!["id"]!);
            }
        }

        return filed;
    }
}
