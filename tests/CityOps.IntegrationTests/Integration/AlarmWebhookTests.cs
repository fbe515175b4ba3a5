using System.Globalization;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>Alarm events reach the dispatch webhook through their own durable outbox, in order per alarm.</summary>
public sealed class AlarmWebhookTests
{
    [Fact]
    public async Task Alarm_events_reach_the_webhook_in_order_with_an_idempotency_key()
    {
        using var folder = new TempFolder("alarm-webhook");
        await using var receiver = new WebhookReceiver(FreePort.Next());
        await receiver.StartAsync();
        var app = await DispatchCity.StartAsync(folder, new Dictionary<string, string> { ["CityOps:Dispatch:WebhookUrl"] = receiver.Url });
        await using (app)
        {
            var port = int.Parse(app.Settings["CityOps:Mqtt:EmbeddedPort"], CultureInfo.InvariantCulture);
            await using (var devices = await Devices.ConnectAsync(port))
            {
                var at = DateTimeOffset.UtcNow;
                await devices.PublishAsync("city/waterlog/WL-HOOK/telemetry", Devices.Reading(at, 1, "depth_cm", 45));
                await devices.PublishAsync("city/waterlog/WL-HOOK/telemetry", Devices.Reading(at.AddSeconds(1), 2, "depth_cm", 5));
            }

            List<WebhookDelivery> Alarms() => [.. receiver.Received.Where(d => d.Event.StartsWith("alarm.", StringComparison.Ordinal))];
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (Alarms().Count < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            var alarms = Alarms();
            Assert.Equal(["alarm.raised", "alarm.filed", "alarm.cleared"], alarms.Select(d => d.Event));
            Assert.Single(alarms.Select(d => d.CaseId).Distinct());
            Assert.StartsWith("al-", alarms[0].CaseId, StringComparison.Ordinal);
            Assert.Equal(3, alarms.Select(d => d.IdempotencyKey).Where(k => k.Length > 0).Distinct().Count());
            Assert.True(alarms[0].Sequence < alarms[1].Sequence && alarms[1].Sequence < alarms[2].Sequence);
            Assert.Contains(receiver.Received, d => d.Event == "case.filed");
        }
    }
}
