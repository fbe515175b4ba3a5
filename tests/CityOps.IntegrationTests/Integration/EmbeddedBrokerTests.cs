using System.Globalization;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Tests.Integration;

/// <summary>
/// The embedded broker as the MQTT edge (no <c>CityOps:Mqtt:Host</c>): telemetry is taken in-process,
/// MQTT 5 publishers learn what was wrong with a rejected message from the PUBACK, dead letters and
/// every other topic are still brokered, and telemetry is consumed rather than forwarded.
/// </summary>
public sealed class EmbeddedBrokerTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("cityops-embedded");
    private readonly int _brokerPort = FreePort.Next();
    private CityOpsProcess _app = null!;

    public async Task InitializeAsync()
    {
        var rules = _folder.Combine("rules");
        Directory.CreateDirectory(rules);
        await File.WriteAllTextAsync(Path.Combine(rules, "test.yaml"), TestCity.Rules);
        _app = new CityOpsProcess(_folder.Combine("data"), new Dictionary<string, string>
        {
            ["CityOps:Rules:Path"] = rules,
            ["CityOps:Mqtt:EmbeddedPort"] = _brokerPort.ToString(CultureInfo.InvariantCulture),
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Bad_messages_get_a_reason_code_and_a_dead_letter_and_the_good_ones_around_them_are_judged()
    {
        using var watcher = await ConnectAsync();
        var deadLetters = new List<JsonObject>();
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            lock (deadLetters)
            {
                deadLetters.Add(JsonNode.Parse(e.ApplicationMessage.ConvertPayloadToString())!.AsObject());
            }

            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync("cityops/deadletter");
        using var device = await ConnectAsync();

        var before = await PublishAsync(device, "city/waterlog/WL-EMB-1/telemetry", Devices.Reading(DateTimeOffset.UtcNow.AddSeconds(-2), 1, "depth_cm", 5));
        var badPayload = await PublishAsync(device, "city/waterlog/WL-EMB-1/telemetry", """{"metrics":{"depth_cm":"deep"}}""");
        var badTopic = await PublishAsync(device, "city/waterlog/bad id!/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 2, "depth_cm", 20));
        var after = await PublishAsync(device, "city/waterlog/WL-EMB-1/telemetry", Devices.Reading(DateTimeOffset.UtcNow.AddSeconds(-1), 3, "depth_cm", 55));

        Assert.Equal(MqttClientPublishReasonCode.Success, before.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, badPayload.ReasonCode);
        Assert.Contains("depth_cm", badPayload.ReasonString);
        Assert.Equal(MqttClientPublishReasonCode.TopicNameInvalid, badTopic.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, after.ReasonCode);

        var cases = await Devices.WaitForCasesAsync(_app.Http, "deviceId=WL-EMB-1", 1, TimeSpan.FromSeconds(10));
        Assert.Equal("red", (string?)Assert.Single(cases)!["severity"]);
        var state = await _app.Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/WL-EMB-1");
        Assert.Equal(55, (double?)state!["last"]!["depth_cm"]);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && deadLetters.Count < 2)
        {
            await Task.Delay(25);
        }

        lock (deadLetters)
        {
            Assert.Equal(["bad_topic", "bad_type"], deadLetters.Select(d => (string)d["reason"]!).Order(StringComparer.Ordinal).ToArray());
        }
    }

    [Fact]
    public async Task Other_topics_are_brokered_and_telemetry_is_consumed_not_forwarded()
    {
        using var subscriber = await ConnectAsync();
        var received = new List<string>();
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            lock (received)
            {
                received.Add(e.ApplicationMessage.Topic);
            }

            return Task.CompletedTask;
        };
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("city/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        using var device = await ConnectAsync();

        await PublishAsync(device, "city/waterlog/WL-EMB-2/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 1, "depth_cm", 5));
        var status = await PublishAsync(device, "city/waterlog/WL-EMB-2/status", """{"online":true}""");
        Assert.Equal(MqttClientPublishReasonCode.Success, status.ReasonCode);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && received.Count == 0)
        {
            await Task.Delay(25);
        }

        await Devices.WaitForMetricAsync(_app.Http, "cityops_ingest_readings_total", 1, TimeSpan.FromSeconds(10));
        lock (received)
        {
            Assert.Equal(["city/waterlog/WL-EMB-2/status"], received);
        }
    }

    [Fact]
    public async Task A_gateway_batch_without_ts_or_seq_published_by_mosquitto_pub_is_judged_reading_by_reading()
    {
        // Both readings are stamped on receipt, in the same millisecond: neither may pass for a redelivery of the other.
        var publish = new ProcessStartInfo("mosquitto_pub", [
            "-h", "127.0.0.1", "-p", _brokerPort.ToString(CultureInfo.InvariantCulture), "-i", "cityops-gateway-test", "-q", "1",
            "-t", "city/manhole/MH-GW-1/telemetry", "-m", """[{"metrics":{"tilt_deg":1}},{"metrics":{"tilt_deg":50}}]"""])
        {
            RedirectStandardError = true,
        };
        using (var process = Process.Start(publish)!)
        {
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        }

        var cases = await Devices.WaitForCasesAsync(_app.Http, "deviceId=MH-GW-1", 1, TimeSpan.FromSeconds(10));
        var raised = Assert.Single(cases)!;
        Assert.Equal(("manhole-tilt", 50.0), ((string?)raised["ruleId"], (double?)raised["value"]));
    }

    private async Task<IMqttClient> ConnectAsync()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _brokerPort)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId("emb-" + Guid.NewGuid().ToString("N")[..8])
            .Build());
        return client;
    }

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, string payload) =>
        client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
}
