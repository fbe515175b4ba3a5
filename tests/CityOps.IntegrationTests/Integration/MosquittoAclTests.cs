using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using CityOps.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Tests.Integration;

/// <summary>The shipped <c>deploy/mosquitto/acl</c> on a real mosquitto: devices under their own topics only.</summary>
public sealed class MosquittoAclTests : IAsyncLifetime
{
    private Mosquitto _broker = null!;

    public async Task InitializeAsync()
    {
        using var folder = new TempFolder("acl-setup");
        var passwd = Path.Combine(Path.GetTempPath(), $"cityops-passwd-{Guid.NewGuid():N}");
        foreach (var (user, password) in new[] { ("cityops", "ingest-password"), ("gateway-1", "gateway-password"), ("WL-A", "secret-a"), ("WL-B", "secret-b") })
        {
            var args = File.Exists(passwd) ? $"-b {passwd} {user} {password}" : $"-c -b {passwd} {user} {password}";
            using var tool = Process.Start(new ProcessStartInfo("mosquitto_passwd", args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            await tool.WaitForExitAsync();
            Assert.Equal(0, tool.ExitCode);
        }

        var acl = Path.Combine(RepoPaths.Root, "deploy", "mosquitto", "acl");
        _broker = await Mosquitto.StartAsync($"allow_anonymous false\npassword_file {passwd}\nacl_file {acl}");
    }

    [Fact]
    public async Task Device_publishes_under_its_own_id_only_and_the_ingest_user_reads_everything()
    {
        var received = new ConcurrentQueue<string>();
        using var ingest = await ConnectAsync("cityops", "ingest-password");
        ingest.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue(e.ApplicationMessage.Topic + " " + e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        await ingest.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("city/+/+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        using var deviceA = await ConnectAsync("WL-A", "secret-a");
        using var gateway = await ConnectAsync("gateway-1", "gateway-password");
        await PublishAsync(deviceA, "city/waterlog/WL-B/telemetry", "forged");
        await PublishAsync(deviceA, "city/waterlog/WL-A/telemetry", "own");
        await PublishAsync(gateway, "city/manhole/MH-9/telemetry", "gateway");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (received.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        // A last message through the same connection proves the forged one was not just late.
        await PublishAsync(deviceA, "city/waterlog/WL-A/telemetry", "last");
        while (!received.Any(r => r.EndsWith(" last", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(["city/waterlog/WL-A/telemetry own", "city/manhole/MH-9/telemetry gateway", "city/waterlog/WL-A/telemetry last"], received.OrderBy(r => r.EndsWith(" last", StringComparison.Ordinal)).ThenBy(r => r.Contains("gateway", StringComparison.Ordinal) ? 1 : 0));
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync("WL-A", "wrong"));
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<IMqttClient> ConnectAsync(string user, string password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", _broker.Port)
                .WithClientId("acl-" + Guid.NewGuid().ToString("N")[..8])
                .WithCredentials(user, password)
                .Build());
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException(result.ResultCode.ToString());
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static Task PublishAsync(IMqttClient client, string topic, string payload) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
}
