using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>
/// Escalation and reminders (escalate:, remind:) across a SIGKILL of the CityOps process: every due time derives from
/// the persisted alarm, and the restarted node's sweep escalates and reminds without a new reading. The reading is
/// stamped <see cref="Age"/> in the past (time is the reading's): its alarm's minute to the reminder ends 30 s after it is sent,
/// its 50 s to the escalation 20 s after.
/// </summary>
public sealed class AlarmClockRestartTests : IAsyncLifetime
{
    private const string Rules = """
        rules:
          - id: gas
            kind: manhole
            metric: gas_ch4_lel
            levels: [ { severity: yellow, above: 10 } ]
            escalate: [ { after: 50s, to: red, unless: acknowledged } ]
            remind: 1m
            case: { code: "0111", title: "井下燃气 {value}% LEL", fileFrom: red }
        """;

    private static readonly TimeSpan Age = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder = new("alarm-clock-restart");
    private CityOpsProcess _app = null!;

    public async Task InitializeAsync() =>
        _app = await DispatchCity.StartAsync(_folder, new Dictionary<string, string> { ["CityOps:Devices:SweepInterval"] = "00:00:01" }, Rules);

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task An_alarm_raised_before_a_sigkill_escalates_files_and_is_reminded_after_the_restart_without_a_reading()
    {
        var port = int.Parse(_app.Settings["CityOps:Mqtt:EmbeddedPort"], System.Globalization.CultureInfo.InvariantCulture);
        await using (var devices = await Devices.ConnectAsync(port))
        {
            await devices.PublishAsync("city/manhole/MH-CLOCK/telemetry", Devices.Reading(DateTimeOffset.UtcNow - Age, 1, "gas_ch4_lel", 15));
        }

        var raised = await WaitForAlarmAsync(a => a is not null, TimeSpan.FromSeconds(30));
        Assert.Equal(("yellow", "pending"), ((string?)raised["severity"], (string?)raised["disposition"]));
        var raisedAt = DateTimeOffset.Parse((string)raised["raisedAt"]!, System.Globalization.CultureInfo.InvariantCulture);

        await _app.KillAsync();
        await _app.StartAsync();

        // 50 s after raising (20 s after the reading was sent): red, and filed (fileFrom: red), by the restarted node's sweep.
        var escalated = await WaitForAlarmAsync(a => (string?)a?["severity"] == "red" && (string?)a["disposition"] == "filed", TimeSpan.FromSeconds(60));
        Assert.Equal((string?)raised["id"], (string?)escalated["id"]);
        var step = escalated["history"]!.AsArray().Single(h => (string?)h!["type"] == "escalated")!;
        Assert.Equal(("yellow", "red"), ((string?)step["from"], (string?)step["to"]));
        Assert.True(DateTimeOffset.Parse((string)step["at"]!, System.Globalization.CultureInfo.InvariantCulture) >= raisedAt.AddSeconds(50));
        var @case = Assert.Single(await Devices.WaitForCasesAsync(_app.Http, "deviceId=MH-CLOCK", 1, TimeSpan.FromSeconds(10)))!;
        Assert.Equal("red", (string?)@case["severity"]);

        // A minute after raising, not yet acknowledged: reminded once.
        var reminded = await WaitForAlarmAsync(a => a?["history"]!.AsArray().Any(h => (string?)h!["type"] == "reminder") == true, TimeSpan.FromSeconds(60));
        var reminder = reminded["history"]!.AsArray().Single(h => (string?)h!["type"] == "reminder")!;
        Assert.True(DateTimeOffset.Parse((string)reminder["at"]!, System.Globalization.CultureInfo.InvariantCulture) >= raisedAt.AddMinutes(1));
    }

    private async Task<JsonObject> WaitForAlarmAsync(Func<JsonObject?, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var page = await _app.Http.GetFromJsonAsync<JsonObject>("/api/v1/alarms?deviceId=MH-CLOCK");
            var alarm = page!["items"]!.AsArray().FirstOrDefault()?.AsObject();
            if (alarm is not null && done(alarm))
            {
                return (await _app.Http.GetFromJsonAsync<JsonObject>($"/api/v1/alarms/{alarm["id"]}"))!;
            }

            Assert.True(DateTime.UtcNow < deadline, "the alarm did not get there: " + alarm?.ToJsonString());
            await Task.Delay(200);
        }
    }
}
