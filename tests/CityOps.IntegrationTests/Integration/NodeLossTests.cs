using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace CityOps.Tests.Integration;

/// <summary>
/// A lost node: three CityOps nodes on one PostgreSQL and one mosquitto (shared subscription, persistent sessions);
/// the node holding the cluster lease is SIGKILLed and never started again, between two halves of 200 crossings.
/// mosquitto keeps queueing the dead node's share for its session; a surviving node must adopt that session and
/// judge what it held, so every crossing has its one case within 90 s of the kill.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class NodeLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int DeviceCount = 200;

    private CityCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await CityCluster.StartAsync("cityops-nodeloss", 3, TestCity.Rules);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Node_killed_for_good_its_share_is_judged_by_the_others_exactly_once_within_90_seconds()
    {
        var dead = await _cluster.LeaseHolderAsync();
        var living = _cluster.Nodes.Where(n => n != dead).ToList();
        using var publisher = new MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _cluster.Broker.Port).WithClientId("nodeloss-load").WithCleanStart().Build());
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);

        async Task PublishCrossingsAsync(int from, int to)
        {
            for (var d = from; d < to; d++)
            {
                await publisher.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic($"city/manhole/{DeviceId(d)}/telemetry")
                    .WithPayload(JsonSerializer.Serialize(new { ts = start.AddSeconds(d).ToUnixTimeMilliseconds(), seq = 1, metrics = new { tilt_deg = 45 } }))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build());
            }
        }

        await PublishCrossingsAsync(0, DeviceCount / 2);
        await dead.KillAsync();
        var killedAt = Stopwatch.StartNew();
        // Published at once: the broker has not given up the dead node's session, so a third of these wait in it.
        await PublishCrossingsAsync(DeviceCount / 2, DeviceCount);
        output.WriteLine($"lease holder {dead.Settings["CityOps:Mqtt:ClientId"]} killed; {DeviceCount} crossings published");

        var expected = Enumerable.Range(0, DeviceCount).Select(DeviceId).ToList();
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                var cases = (await living[0].Http.GetFromJsonAsync<JsonObject>($"/api/v1/cases?pageSize={DeviceCount * 2}"))!["items"]!.AsArray();
                return cases.Count >= DeviceCount;
            }, TimeSpan.FromSeconds(90) - killedAt.Elapsed, $"{DeviceCount} cases within 90 s of the kill");
        }
        catch (TimeoutException)
        {
            // What the living nodes said about the death, the lease and the session, to see which step did not happen.
            foreach (var node in living)
            {
                output.WriteLine($"--- {node.Settings["CityOps:Mqtt:ClientId"]}:");
                output.WriteLine(string.Join('\n', node.Log.Split('\n').Where(l => l.Contains("dead", StringComparison.OrdinalIgnoreCase) || l.Contains("session", StringComparison.OrdinalIgnoreCase) || l.Contains("lease", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("exception", StringComparison.OrdinalIgnoreCase))));
            }

            throw;
        }

        output.WriteLine($"every crossing had its case {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");

        // Exactly once, and every living node says the same.
        foreach (var node in living)
        {
            var cases = (await node.Http.GetFromJsonAsync<JsonObject>($"/api/v1/cases?pageSize={DeviceCount * 2}"))!["items"]!.AsArray();
            Assert.Equal(expected, cases.Select(c => (string)c!["deviceId"]!).Order(StringComparer.Ordinal).ToList());
        }

        // The dead node's session was adopted and ended, by the node that took the lease over.
        var adopter = await _cluster.LeaseHolderAsync(living);
        Assert.Contains($"Adopting the MQTT session of dead node {dead.Settings["CityOps:Mqtt:ClientId"]}", adopter.Log, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => Task.FromResult(adopter.Log.Contains($"MQTT session {dead.Settings["CityOps:Mqtt:ClientId"]} ended", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the adopted session ended");
        await publisher.DisconnectAsync();
    }

    private static string DeviceId(int d) => $"MH-NL-{d:D4}";
}
