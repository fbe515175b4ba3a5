using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>
/// The embedded broker with its defaults (only the port is moved), driven by clients CityOps did not write:
/// mosquitto_pub/mosquitto_sub at MQTT 3.1, 3.1.1 and 5, and MQTT.js, at QoS 0, 1 and 2, with no client id
/// where the protocol allows it (MQTT-3.1.3-6).
/// </summary>
public sealed class MqttInteropTests(InteropCityFixture city) : IClassFixture<InteropCityFixture>
{
    private readonly int _port = city.Port;

    private CityOpsProcess _app => city.App;

    [Theory]
    [InlineData("mqttv31", 0)]
    [InlineData("mqttv31", 1)]
    [InlineData("mqttv31", 2)]
    [InlineData("mqttv311", 0)]
    [InlineData("mqttv311", 1)]
    [InlineData("mqttv311", 2)]
    [InlineData("mqttv5", 0)]
    [InlineData("mqttv5", 1)]
    [InlineData("mqttv5", 2)]
    public async Task Mosquitto_pub_without_a_client_id_is_judged(string version, int qos)
    {
        var device = $"MQ-{version}-{qos}".Replace("mqttv", "V", StringComparison.Ordinal);
        var run = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", version, "-q", qos.ToString(CultureInfo.InvariantCulture),
            "-t", $"city/manhole/{device}/telemetry", "-m", """{"metrics":{"tilt_deg":40}}""");
        Assert.True(run.ExitCode == 0, run.ToString());
        await WaitForMetricValueAsync(device, "tilt_deg", 40);
        await Devices.WaitForCasesAsync(_app.Http, $"deviceId={device}", 1, TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 0)]
    [InlineData(4, 1)]
    [InlineData(4, 2)]
    [InlineData(5, 0)]
    [InlineData(5, 1)]
    [InlineData(5, 2)]
    public async Task Mqtt_js_is_judged_at_every_protocol_level_and_qos(int protocolVersion, int qos)
    {
        var device = $"JS-{protocolVersion}-{qos}";
        var run = await ExternalClient.MqttJsPublishAsync(_port, protocolVersion, qos, $"city/manhole/{device}/telemetry", """{"metrics":{"tilt_deg":41}}""");
        Assert.True(run.ExitCode == 0, run.ToString());
        await WaitForMetricValueAsync(device, "tilt_deg", 41);
    }

    [Theory]
    [InlineData("mqttv31")]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task Mosquitto_sub_receives_other_topics_at_every_protocol_level(string version)
    {
        var topic = $"city/streetlight/SUB-{version}/status";
        var published = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", version, "-q", "1", "-r", "-t", topic, "-m", "online");
        Assert.True(published.ExitCode == 0, published.ToString());
        var received = await ExternalClient.MosquittoSubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", version, "-t", topic, "-C", "1", "-W", "30");
        Assert.True(received.ExitCode == 0, received.ToString());
        Assert.Equal("online", received.Output.Trim());
    }

    [Fact]
    public async Task Retained_telemetry_is_judged_once_and_not_kept()
    {
        var before = await Devices.MetricAsync(_app.Http, "cityops_ingest_readings_total");
        var run = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-r",
            "-t", "city/manhole/RET-1/telemetry", "-m", """{"metrics":{"tilt_deg":42}}""");
        Assert.True(run.ExitCode == 0, run.ToString());
        await WaitForMetricValueAsync("RET-1", "tilt_deg", 42);

        // A new subscriber gets no replay of it (it would be judged again by any CityOps reading this broker).
        var replay = await ExternalClient.MosquittoSubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-t", "city/manhole/RET-1/telemetry", "-C", "1", "-W", "2");
        Assert.Equal("", replay.Output.Trim());
        var marker = await ExternalClient.MqttJsPublishAsync(_port, 4, 1, "city/manhole/RET-1/telemetry", """{"metrics":{"tilt_deg":43}}""");
        Assert.True(marker.ExitCode == 0, marker.ToString());
        await WaitForMetricValueAsync("RET-1", "tilt_deg", 43);
        Assert.Equal(before + 2, await Devices.MetricAsync(_app.Http, "cityops_ingest_readings_total"));
    }

    [Fact]
    public async Task Publish_under_the_wrong_kind_is_answered_in_the_mqtt5_puback()
    {
        using (var put = await _app.Http.PutAsJsonAsync("/api/v1/devices/WK-1", new { kind = "waterlog", name = "WK-1", lat = 35.305, lon = 113.905 }))
        {
            put.EnsureSuccessStatusCode();
        }

        var wrong = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1",
            "-t", "city/manhole/WK-1/telemetry", "-m", """{"metrics":{"tilt_deg":40}}""");
        Assert.Contains("Not authorized", wrong.Error, StringComparison.OrdinalIgnoreCase);
        var js = await ExternalClient.MqttJsPublishAsync(_port, 5, 1, "city/manhole/WK-1/telemetry", """{"metrics":{"tilt_deg":40}}""");
        Assert.Contains("135", js.Output, StringComparison.Ordinal);

        var right = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1",
            "-t", "city/waterlog/WK-1/telemetry", "-m", """{"metrics":{"depth_cm":7}}""");
        Assert.True(right.ExitCode == 0 && right.Error.Trim().Length == 0, right.ToString());
        await WaitForMetricValueAsync("WK-1", "depth_cm", 7);
    }

    [Fact]
    public async Task Open_broker_listens_on_loopback_only()
    {
        var outside = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.True(outside is not null, "this test needs a non-loopback IPv4 address on the machine");
        using var client = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(outside, _port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task A_burst_of_qos1_publishes_in_one_write_is_answered_in_full_and_in_order()
    {
        const int burst = 200;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _port);
        await socket.SendAsync(RawMqtt.Connect311("burst-1"));
        Assert.Equal([0x20, 0x02, 0x00, 0x00], await RawMqtt.ReceiveAsync(socket, 4));

        // One write: 200 QoS 1 publishes of one device, then a PINGREQ.
        var packets = new List<byte>();
        for (var id = 1; id <= burst; id++)
        {
            packets.AddRange(RawMqtt.Publish("city/manhole/BURST-1/telemetry", $$$"""{"metrics":{"tilt_deg":{{{id / 10}}}.{{{id % 10}}}}}""", (ushort)id));
        }

        packets.AddRange(RawMqtt.PingReq);
        await socket.SendAsync(packets.ToArray());

        // Every PUBACK, in the order of the publishes, then the PINGRESP.
        var answers = await RawMqtt.ReceiveAsync(socket, burst * 4 + 2);
        for (var id = 1; id <= burst; id++)
        {
            Assert.Equal(new byte[] { 0x40, 0x02, (byte)(id >> 8), (byte)id }, answers.AsSpan((id - 1) * 4, 4).ToArray());
        }

        Assert.Equal(new byte[] { 0xD0, 0x00 }, answers[^2..]);
        await WaitForMetricValueAsync("BURST-1", "tilt_deg", burst / 10.0);
    }

    [Fact]
    public async Task Answers_keep_the_order_of_the_publishes_when_telemetry_and_other_topics_mix()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _port);
        await socket.SendAsync(RawMqtt.Connect311("mixed-1"));
        Assert.Equal([0x20, 0x02, 0x00, 0x00], await RawMqtt.ReceiveAsync(socket, 4));

        // Fifty rounds of telemetry, a status (brokered by MQTTnet), telemetry, a PINGREQ, telemetry at QoS 0, QoS 2 and
        // QoS 1, in one write: the PUBACKs and PUBRECs must come in the order of the publishes (MQTT-4.6.0-2). A PINGRESP
        // is not ordered with them (MQTTnet's own send queue puts it ahead of waiting acknowledgements): 50 of them, anywhere.
        const string telemetry = "city/manhole/MIX-1/telemetry";
        var burst = new List<byte>();
        var expected = new List<byte>();
        ushort id = 0;
        for (var round = 0; round < 50; round++)
        {
            burst.AddRange(RawMqtt.Publish(telemetry, """{"metrics":{"tilt_deg":1}}""", ++id));
            expected.AddRange([0x40, 0x02, (byte)(id >> 8), (byte)id]);
            burst.AddRange(RawMqtt.Publish("city/streetlight/MIX-1/status", "online", ++id));
            expected.AddRange([0x40, 0x02, (byte)(id >> 8), (byte)id]);
            burst.AddRange(RawMqtt.Publish(telemetry, """{"metrics":{"tilt_deg":2}}""", ++id));
            expected.AddRange([0x40, 0x02, (byte)(id >> 8), (byte)id]);
            burst.AddRange(RawMqtt.PingReq);
            burst.AddRange(RawMqtt.Publish(telemetry, """{"metrics":{"tilt_deg":3}}""", 0, qos: 0));
            burst.AddRange(RawMqtt.Publish(telemetry, """{"metrics":{"tilt_deg":4}}""", ++id, qos: 2));
            expected.AddRange([0x50, 0x02, (byte)(id >> 8), (byte)id]);
            burst.AddRange(RawMqtt.Publish(telemetry, """{"metrics":{"tilt_deg":5}}""", ++id));
            expected.AddRange([0x40, 0x02, (byte)(id >> 8), (byte)id]);
        }

        await socket.SendAsync(burst.ToArray());
        var answers = await RawMqtt.ReceiveAsync(socket, expected.Count + 50 * 2);
        var acknowledgements = new List<byte>();
        var pingResponses = 0;
        for (var at = 0; at < answers.Length;)
        {
            if (answers[at] == 0xD0)
            {
                Assert.Equal(0x00, answers[at + 1]);
                pingResponses++;
                at += 2;
            }
            else
            {
                acknowledgements.AddRange(answers.AsSpan(at, 4).ToArray());
                at += 4;
            }
        }

        Assert.Equal(expected, acknowledgements);
        Assert.Equal(50, pingResponses);
        await WaitForMetricValueAsync("MIX-1", "tilt_deg", 5);
    }

    [Fact]
    public async Task A_publisher_is_kept_while_it_publishes_and_closed_after_its_keep_alive_runs_out()
    {
        var before = await Devices.MetricAsync(_app.Http, "cityops_mqtt_refused_total", "keep_alive_expired");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _port);
        await socket.SendAsync(RawMqtt.Connect311("keepalive-1", keepAliveSeconds: 2));
        Assert.Equal([0x20, 0x02, 0x00, 0x00], await RawMqtt.ReceiveAsync(socket, 4));

        // Telemetry only, no PINGREQ, for twice the keep-alive's limit: still connected (every publish is answered).
        for (var id = 1; id <= 12; id++)
        {
            await socket.SendAsync(RawMqtt.Publish("city/manhole/KA-1/telemetry", $$$"""{"metrics":{"tilt_deg":{{{id}}}}}""", (ushort)id));
            Assert.Equal(new byte[] { 0x40, 0x02, 0x00, (byte)id }, await RawMqtt.ReceiveAsync(socket, 4));
            await Task.Delay(500);
        }

        // Then silence: closed once 1.5 times the keep-alive (3 s) has passed, and counted.
        var silent = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await RawMqtt.ClosedWithinAsync(socket, TimeSpan.FromSeconds(15)), "the silent connection was not closed");
        Assert.InRange(silent.Elapsed.TotalSeconds, 2.5, 10);
        Assert.Equal(before + 1, await Devices.MetricAsync(_app.Http, "cityops_mqtt_refused_total", "keep_alive_expired"));
    }

    private Task WaitForMetricValueAsync(string deviceId, string metric, double value) => Devices.WaitForLastAsync(_app.Http, deviceId, metric, value);
}
