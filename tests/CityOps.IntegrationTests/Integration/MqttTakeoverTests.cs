using System.Globalization;
using System.Net.Http.Json;
using CityOps.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Tests.Integration;

/// <summary>
/// With <c>RequireAuth</c>, a client id is served only to the identity that holds its session: device A cannot take
/// over device B's or a service client's session with A's own valid secret, and wrong passwords are slowed per
/// identity and per address while a registered device goes on being judged.
/// </summary>
public sealed class MqttTakeoverTests(TakeoverCityFixture city) : IClassFixture<TakeoverCityFixture>, IDisposable
{
    private const string GatewayPassword = TakeoverCityFixture.GatewayPassword;
    private readonly int _port = city.Port;
    private readonly List<IMqttClient> _holders = [];

    private CityOpsProcess _app => city.App;

    public void Dispose()
    {
        foreach (var holder in _holders)
        {
            holder.Dispose();
        }
    }

    [Fact]
    public async Task A_device_cannot_take_over_another_devices_live_session()
    {
        var victim = await HoldSessionAsync("dev-b", "secret-of-dev-b", "dev-b-session", "city/manhole/dev-b/cmd");
        var refusedBefore = await Devices.MetricAsync(_app.Http, "cityops_mqtt_refused_total", "client_id_taken");

        var attack = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5",
            "-u", "dev-a", "-P", "secret-of-dev-a", "-i", "dev-b-session", "-c", "-x", "3600", "-q", "1",
            "-t", "city/manhole/dev-b/telemetry", "-m", """{"metrics":{"tilt_deg":45}}""");

        Assert.NotEqual(0, attack.ExitCode);
        Assert.Contains("identifier", attack.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(refusedBefore + 1, await Devices.MetricAsync(_app.Http, "cityops_mqtt_refused_total", "client_id_taken"));
        Assert.True(victim.IsConnected, "the victim's session was disconnected");
        var device = await _app.Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/v1/devices/dev-b");
        Assert.Null(device!["last"]?["tilt_deg"]);
        Assert.Empty(await Devices.CasesAsync(_app.Http, "deviceId=dev-b"));

        // The owner itself may resume its session.
        var own = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5",
            "-u", "dev-b", "-P", "secret-of-dev-b", "-i", "dev-b-session-2", "-q", "1",
            "-t", "city/manhole/dev-b/telemetry", "-m", """{"metrics":{"tilt_deg":2}}""");
        Assert.True(own.ExitCode == 0, own.ToString());
        await Devices.WaitForLastAsync(_app.Http, "dev-b", "tilt_deg", 2);
    }

    [Fact]
    public async Task A_device_cannot_take_over_a_service_clients_session_nor_its_subscriptions()
    {
        var gateway = await HoldSessionAsync("gateway-1", GatewayPassword, "gateway-session", "city/#");
        var attack = await ExternalClient.MosquittoSubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5",
            "-u", "dev-a", "-P", "secret-of-dev-a", "-i", "gateway-session", "-c", "-x", "3600", "-t", "city/manhole/dev-a/#", "-W", "5");
        Assert.NotEqual(0, attack.ExitCode);
        Assert.Contains("identifier", attack.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(gateway.IsConnected, "the gateway's session was disconnected");

        // Also when the gateway is away: its stored session still belongs to it.
        await gateway.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithSessionExpiryInterval(3600).Build());
        var later = await ExternalClient.MosquittoSubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5",
            "-u", "dev-a", "-P", "secret-of-dev-a", "-i", "gateway-session", "-c", "-x", "3600", "-t", "city/manhole/dev-a/#", "-W", "5");
        Assert.Contains("identifier", later.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Password_guessers_are_slowed_while_a_registered_device_keeps_being_judged()
    {
        var backoffBefore = await Devices.MetricAsync(_app.Http, "cityops_mqtt_refused_total", "login_backoff");
        var checksBefore = await Devices.MetricAsync(_app.Http, "cityops_mqtt_refused_total", "bad_credentials");
        const int guessers = 8;
        const int guessesEach = 25;

        // Guessers come from another loopback address (127.0.0.2), as an attacker elsewhere would.
        var guessing = Enumerable.Range(0, guessers).Select(g => Task.Run(async () =>
        {
            for (var i = 0; i < guessesEach; i++)
            {
                await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-A", "127.0.0.2", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv311",
                    "-u", g % 2 == 0 ? "dev-g" : $"guess-{g}", "-P", $"wrong-{g}-{i}", "-t", "city/manhole/dev-g/telemetry", "-m", "{}");
            }
        })).ToArray();

        // Meanwhile the registered device connects and publishes, reading after reading, and each is judged.
        var judged = 0;
        while (!guessing.All(t => t.IsCompleted) || judged < 5)
        {
            judged++;
            var run = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv311", "-q", "1",
                "-u", "dev-c", "-P", "secret-of-dev-c", "-t", "city/manhole/dev-c/telemetry", "-m", "{\"metrics\":{\"tilt_deg\":" + judged + "}}");
            Assert.True(run.ExitCode == 0, $"reading {judged} of the registered device: {run}");
            await Devices.WaitForLastAsync(_app.Http, "dev-c", "tilt_deg", judged);
        }

        await Task.WhenAll(guessing);
        var backoff = await Devices.MetricAsync(_app.Http, "cityops_mqtt_refused_total", "login_backoff") - backoffBefore;
        var checks = await Devices.MetricAsync(_app.Http, "cityops_mqtt_refused_total", "bad_credentials") - checksBefore;
        Assert.True(backoff > 0, $"no guess was held back ({checks} wrong passwords checked)");
        Assert.True(checks < guessers * guessesEach, $"every one of {guessers * guessesEach} guesses was checked");

        // A refused login is answered only after LoginRefusalDelay: a guesser waiting for its answer guesses that much slower.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var late = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-A", "127.0.0.2", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv311",
            "-u", "dev-g", "-P", "one-more-wrong", "-t", "city/manhole/dev-g/telemetry", "-m", "{}");
        Assert.NotEqual(0, late.ExitCode);
        Assert.True(clock.Elapsed >= TakeoverCityFixture.LoginRefusalDelay, $"a refused login was answered in {clock.Elapsed.TotalMilliseconds} ms");
    }

    // The victim's side is MQTTnet's client, whose connection state the test can watch; the attacker is mosquitto.
    private async Task<IMqttClient> HoldSessionAsync(string user, string password, string clientId, string topic)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        _holders.Add(client);
        var connected = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCredentials(user, password)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .Build());
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        var subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(subscribed.Items).ResultCode);
        return client;
    }
}
