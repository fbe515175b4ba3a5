using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Tests.Integration;

/// <summary>
/// Device kinds as configuration on a real CityOps process: the shipped rule folder (kinds.yaml and the lifeline rules)
/// with a <c>CityOps:Kinds</c> override; a gas monitor over MQTT judged by a shipped rule, and a reading outside its
/// kind's physical range refused with its reason.
/// </summary>
public sealed class LifelineKindsTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("lifeline-kinds");
    private CityOpsProcess _app = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        var rules = _folder.Combine("rules");
        Directory.CreateDirectory(rules);
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Rules, "*.yaml"))
        {
            File.Copy(file, Path.Combine(rules, Path.GetFileName(file)));
        }

        _port = FreePort.Next();
        _app = new CityOpsProcess(_folder.Combine("data"), new Dictionary<string, string>
        {
            ["CityOps:Rules:Path"] = rules,
            ["CityOps:Mqtt:EmbeddedPort"] = _port.ToString(CultureInfo.InvariantCulture),
            // Configuration over kinds.yaml: this city's gas monitors read at most 80 % LEL.
            ["CityOps:Kinds:gas:Metrics:ch4_lel:Max"] = "80",
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_gas_reading_over_mqtt_is_judged_by_the_shipped_rule_and_one_outside_the_physical_range_is_a_sensor_fault()
    {
        using var device = await ConnectAsync();
        var impossible = await PublishAsync(device, "city/gas/GAS-T1/telemetry", Devices.Reading(DateTimeOffset.UtcNow.AddSeconds(-2), 1, "ch4_lel", 95));

        // 95 % LEL is outside this city's 0-80: accepted at the edge, no value for gas-leak (no false 119 call), and the
        // shipped gas-range rule (rules/gas.yaml) raises an upkeep alarm that files nothing on the case desk.
        Assert.Equal(MqttClientPublishReasonCode.Success, impossible.ReasonCode);
        var fault = await WaitForAlarmAsync("GAS-T1", "gas-range");
        Assert.Equal(("maintenance", 95.0), ((string?)fault["disposition"], (double?)fault["value"]));

        var leak = await PublishAsync(device, "city/gas/GAS-T1/telemetry", Devices.Reading(DateTimeOffset.UtcNow.AddSeconds(-1), 2, "ch4_lel", 30));
        Assert.Equal(MqttClientPublishReasonCode.Success, leak.ReasonCode);

        // gas-leak (rules/gas.yaml): 30 % LEL is orange, filed at once with the gas code; the fault was the only other alarm.
        var cases = await Devices.WaitForCasesAsync(_app.Http, "deviceId=GAS-T1", 1, TimeSpan.FromSeconds(30));
        var filed = Assert.Single(cases)!;
        Assert.Equal(("gas-leak", "orange", "0403", 30.0), ((string?)filed["ruleId"], (string?)filed["severity"], (string?)filed["code"], (double?)filed["value"]));
        var leakAlarm = await WaitForAlarmAsync("GAS-T1", "gas-leak");
        Assert.Equal(("gas", "filed", 30.0), ((string?)leakAlarm["kind"], (string?)leakAlarm["disposition"], (double?)leakAlarm["peak"]));
        var gas = await _app.Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/GAS-T1");
        Assert.Equal(("gas", 30.0), ((string?)gas!["kind"], (double?)gas["last"]!["ch4_lel"]));
    }

    private async Task<JsonObject> WaitForAlarmAsync(string deviceId, string ruleId)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var alarms = await _app.Http.GetFromJsonAsync<JsonObject>($"/api/v1/alarms?deviceId={deviceId}");
            if (alarms!["items"]!.AsArray().FirstOrDefault(a => (string?)a!["ruleId"] == ruleId) is JsonObject alarm)
            {
                return alarm;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"no {ruleId} alarm on {deviceId} within 30 s: {alarms.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Devices_of_a_configured_kind_register_and_rules_for_its_metrics_validate()
    {
        var kinds = await _app.Http.GetFromJsonAsync<JsonArray>("/api/v1/kinds");
        Assert.Equal(
            ["manhole", "waterlog", "streetlight", "vehicle", "gas", "watersupply", "drainage", "bridge", "heating", "lampcabinet"],
            kinds!.Select(k => (string?)k!["name"]));
        var gas = kinds!.Single(k => (string?)k!["name"] == "gas")!;
        Assert.Equal(("0403", "30m"), ((string?)gas["code"], (string?)gas["offline"]));
        Assert.Equal(("% LEL", 0.0, 80.0), ((string?)gas["metrics"]![0]!["unit"], (double?)gas["metrics"]![0]!["min"], (double?)gas["metrics"]![0]!["max"]));

        using (var registered = await _app.Http.PutAsJsonAsync("/api/v1/devices/BR-T1", new { kind = "bridge", name = "人民路桥", lat = 35.3, lon = 113.9 }))
        {
            Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        }

        using var content = new StringContent("rules:\n  - id: x\n    kind: bridge\n    metric: depth_cm\n    levels: [ { severity: red, above: 1 } ]\n", Encoding.UTF8, "application/yaml");
        using var refused = await _app.Http.PostAsync("/api/v1/rules/validate", content);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Contains("unknown metric 'depth_cm' for kind 'bridge'; bridge devices report strain_ue, deflection_mm, accel_g, tilt_deg", problem, StringComparison.Ordinal);
    }

    private async Task<IMqttClient> ConnectAsync()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId("kinds-" + Guid.NewGuid().ToString("N")[..8])
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
