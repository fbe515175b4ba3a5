using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>
/// The embedded broker's socket, packet and retained limits on a real CityOps: idle sockets never take the process
/// down and are closed after <c>ConnectTimeout</c> while real devices still connect and are judged; a packet over
/// <c>MaxPacketSize</c> closes its connection unread; retained messages stop at <c>MaxRetainedMessages</c>.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class MqttEdgeLimitsTests(EdgeLimitsCityFixture city) : IClassFixture<EdgeLimitsCityFixture>
{
    private const int IdleSockets = 3_000;
    private readonly int _port = city.Port;

    private CityOpsProcess _app => city.App;

    [Fact]
    public async Task Thousands_of_idle_sockets_are_closed_after_the_connect_timeout_while_a_device_is_judged()
    {
        var sockets = new List<Socket>(IdleSockets);
        try
        {
            for (var i = 0; i < IdleSockets; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, _port);
            }

            // Meanwhile a device connects, publishes, and is judged.
            var run = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-q", "1",
                "-t", "city/manhole/IDLE-1/telemetry", "-m", """{"metrics":{"tilt_deg":40}}""");
            Assert.True(run.ExitCode == 0, run.ToString());
            await Devices.WaitForLastAsync(_app.Http, "IDLE-1", "tilt_deg", 40);
            Assert.True(await Devices.MetricAsync(_app.Http, "cityops_mqtt_refused_total", "pending_evicted") >= IdleSockets - EdgeLimitsCityFixture.MaxPendingConnections);

            // Every idle socket is closed by the broker: a read returns end of stream (or a reset).
            var deadline = DateTime.UtcNow.AddSeconds(90);
            var open = sockets.ToList();
            while (open.Count > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{open.Count} of {IdleSockets} idle sockets are still open");
                open.RemoveAll(IsClosedByPeer);
                await Task.Delay(250);
            }

            using var health = await _app.Http.GetAsync("/healthz");
            Assert.True(health.IsSuccessStatusCode);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_packet_over_the_limit_closes_its_connection_and_is_not_kept()
    {
        var file = Path.Combine(city.Folder, "big.bin");
        await File.WriteAllBytesAsync(file, new byte[200 * 1024]);
        var run = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1", "-r",
            "-t", "lab/big", "-f", file);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal(1, await Devices.MetricAsync(_app.Http, "cityops_mqtt_refused_total", "packet_too_large"));
        var kept = await ExternalClient.MosquittoSubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-t", "lab/big", "-C", "1", "-W", "2");
        Assert.Equal("", kept.Output);

        // A reading just over the contract's 64 KiB still arrives, to be refused and dead-lettered as too_large.
        var justOver = Path.Combine(city.Folder, "65k.json");
        await File.WriteAllTextAsync(justOver, "{\"metrics\":{\"tilt_deg\":1},\"pad\":\"" + new string('x', 66_000) + "\"}");
        var reading = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1",
            "-t", "city/manhole/BIG-1/telemetry", "-f", justOver);
        Assert.Contains("Payload format invalid", reading.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await Devices.MetricAsync(_app.Http, "cityops_ingest_rejected_total", "too_large"));
    }

    [Fact]
    public async Task Retained_messages_stop_at_the_quota_and_a_deleted_one_frees_its_place()
    {
        for (var i = 0; i < 3; i++)
        {
            var kept = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1", "-r", "-t", $"quota/{i}", "-m", "x");
            Assert.True(kept.ExitCode == 0 && kept.Error.Trim().Length == 0, kept.ToString());
        }

        var over = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1", "-r", "-t", "quota/3", "-m", "x");
        Assert.Contains("Quota exceeded", over.Error, StringComparison.OrdinalIgnoreCase);

        var delete = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1", "-r", "-t", "quota/0", "-n");
        Assert.True(delete.ExitCode == 0 && delete.Error.Trim().Length == 0, delete.ToString());
        var again = await ExternalClient.MosquittoPubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1", "-r", "-t", "quota/3", "-m", "x");
        Assert.True(again.ExitCode == 0 && again.Error.Trim().Length == 0, again.ToString());

        var retained = await ExternalClient.MosquittoSubAsync("-h", "127.0.0.1", "-p", _port.ToString(CultureInfo.InvariantCulture), "-t", "quota/#", "-v", "-W", "3");
        Assert.Equal(["quota/1 x", "quota/2 x", "quota/3 x"], retained.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray());
    }

    private static bool IsClosedByPeer(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
