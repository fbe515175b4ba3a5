using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Tests.Integration;

/// <summary>
/// The embedded broker with <c>CityOps:Mqtt:RequireAuth</c>: only registered devices with their
/// secret, each under its own topics; service clients from configuration; a TLS listener.
/// </summary>
/// <summary>One CityOps with an authenticating embedded broker and a TLS listener, shared by the class.</summary>
public sealed class MqttSecurityFixture : IAsyncLifetime
{
    public const string ServicePassword = "gateway-password-1234";
    private readonly TempFolder _folder = new("cityops-mqtt-auth");

    public int BrokerPort { get; } = FreePort.Next();

    public int TlsPort { get; } = FreePort.Next();

    public CityOpsProcess App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var rules = _folder.Combine("rules");
        Directory.CreateDirectory(rules);
        Directory.CreateDirectory(_folder.Combine("data"));
        await File.WriteAllTextAsync(Path.Combine(rules, "test.yaml"), TestCity.Rules);
        var certificate = _folder.Combine("broker.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllBytesAsync(certificate, self.Export(X509ContentType.Pfx, "pfx-pass"));
        }

        App = new CityOpsProcess(_folder.Combine("data"), new Dictionary<string, string>
        {
            ["CityOps:Rules:Path"] = rules,
            ["CityOps:Mqtt:EmbeddedPort"] = BrokerPort.ToString(CultureInfo.InvariantCulture),
            ["CityOps:Mqtt:RequireAuth"] = "true",
            ["CityOps:Mqtt:ServiceClients:0:Username"] = "gateway-1",
            ["CityOps:Mqtt:ServiceClients:0:Password"] = ServicePassword,
            ["CityOps:Mqtt:TlsPort"] = TlsPort.ToString(CultureInfo.InvariantCulture),
            ["CityOps:Mqtt:CertificatePath"] = certificate,
            ["CityOps:Mqtt:CertificatePassword"] = "pfx-pass",
        });
        await App.StartAsync();
        foreach (var (id, secret) in new[] { ("WL-SEC-1", "secret-of-wl-sec-1"), ("WL-SEC-2", "secret-of-wl-sec-2") })
        {
            using var put = await App.Http.PutAsJsonAsync($"/api/v1/devices/{id}", new { kind = "waterlog", name = id, lat = 35.305, lon = 113.905, secret });
            put.EnsureSuccessStatusCode();
        }
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        _folder.Dispose();
    }

}

public sealed class MqttSecurityTests(MqttSecurityFixture fixture) : IClassFixture<MqttSecurityFixture>
{
    private const string ServicePassword = MqttSecurityFixture.ServicePassword;

    private CityOpsProcess App => fixture.App;

    [Fact]
    public async Task Registered_device_with_its_secret_is_admitted_and_its_reading_judged()
    {
        using var device = await ConnectAsync("WL-SEC-1", "secret-of-wl-sec-1");
        var published = await PublishAsync(device, "city/waterlog/WL-SEC-1/telemetry", 55);
        Assert.Equal(MqttClientPublishReasonCode.Success, published.ReasonCode);
        await Devices.WaitForCasesAsync(App.Http, "deviceId=WL-SEC-1", 1, TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("WL-SEC-1", "wrong-secret")]
    [InlineData("WL-UNKNOWN", "anything-at-all")]
    [InlineData("gateway-1", "not-the-password")]
    [InlineData("", "")]
    public async Task Bad_credentials_are_refused_and_counted(string user, string password)
    {
        var before = await Devices.MetricAsync(App.Http, "cityops_mqtt_refused_total", "bad_credentials");
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(user, password));
        Assert.Contains("BadUserNameOrPassword", refused.ToString());
        Assert.Equal(before + 1, await Devices.MetricAsync(App.Http, "cityops_mqtt_refused_total", "bad_credentials"));
    }

    [Fact]
    public async Task Device_may_not_publish_or_subscribe_under_another_device()
    {
        using var device = await ConnectAsync("WL-SEC-2", "secret-of-wl-sec-2");
        var before = await Devices.MetricAsync(App.Http, "cityops_mqtt_refused_total", "publish_not_allowed");

        var forged = await PublishAsync(device, "city/waterlog/WL-SEC-1/telemetry", 99);
        var wrongKind = await PublishAsync(device, "city/manhole/WL-SEC-2/telemetry", 99);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, wrongKind.ReasonCode);
        Assert.Equal(before + 2, await Devices.MetricAsync(App.Http, "cityops_mqtt_refused_total", "publish_not_allowed"));

        var subscribed = await device.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("city/#").Build());
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(subscribed.Items).ResultCode);
        var own = await device.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("city/waterlog/WL-SEC-2/#").Build());
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS0, Assert.Single(own.Items).ResultCode);

        // Its own topic still works, and WL-SEC-1 never received the forged reading.
        Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAsync(device, "city/waterlog/WL-SEC-2/telemetry", 3)).ReasonCode);
        await WaitForLastDepthAsync("WL-SEC-2", 3);
        var victim = await App.Http.GetFromJsonAsync<JsonObject>("/api/v1/devices/WL-SEC-1");
        Assert.NotEqual(99, (double?)victim!["last"]?["depth_cm"]);
    }

    [Fact]
    public async Task Service_client_publishes_for_any_device_over_tls()
    {
        using var gateway = await ConnectAsync("gateway-1", ServicePassword, tls: true);
        var published = await PublishAsync(gateway, "city/waterlog/WL-GW-7/telemetry", 12);
        Assert.Equal(MqttClientPublishReasonCode.Success, published.ReasonCode);
        await WaitForLastDepthAsync("WL-GW-7", 12);
    }

    private async Task<IMqttClient> ConnectAsync(string user, string password, bool tls = false)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", tls ? fixture.TlsPort : fixture.BrokerPort)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId("sec-" + Guid.NewGuid().ToString("N")[..8])
            .WithCredentials(user, password);
        if (tls)
        {
            // The test's self-signed certificate: trusted by this client only.
            options.WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(_ => true));
        }

        try
        {
            var result = await client.ConnectAsync(options.Build());
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

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, double depth) =>
        client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(Devices.Reading(DateTimeOffset.UtcNow, Environment.TickCount64, "depth_cm", depth)))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

    private Task WaitForLastDepthAsync(string deviceId, double depth) => Devices.WaitForLastAsync(App.Http, deviceId, "depth_cm", depth, TimeSpan.FromSeconds(10));
}
