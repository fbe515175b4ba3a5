using System.Text.Json;
using CityOps.Api.Endpoints;
using CityOps.Grains;
using CityOps.Grains.Devices;
using CityOps.Grains.Dispatch;
using CityOps.Grains.Incidents;
using CityOps.Grains.Storage;
using CityOps.Rules;
using CityOps.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace CityOps.Tests.Cases;

/// <summary>
/// Severity is typed (an enum in Abstractions) on alarms, incidents and cases: the JSON, the stored rows and the webhook
/// payloads are pinned byte for byte as the code wrote them when severity was a string (the literals below were written by
/// that code), and grain state written then still loads.
/// </summary>
public sealed class SeverityWireFormatTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    private static readonly AlarmSnapshot Alarm = new(
        "al-20260720-080000-abc123", "WL-1", "waterlog-depth", "waterlog", Severity.Orange, AlarmStatus.Active, 42.5, 48, T0, null, T0.AddMinutes(3),
        false, null, null, AlarmDisposition.Filed, "20260720-080000-def456", null, false, null, false, 35.3, 113.9, "410702001001001", "water-east",
        "道路积水 42.5 cm", null, null, ["river"], [new HistoryEntry(T0, "raised", null, "orange", "rule:waterlog-depth", "value 42.5")]);

    private static readonly IncidentSnapshot Incident = new(
        "inc-20260720-080000-abc123", "catchment-flood", "east", "东区", IncidentStatus.Open, Severity.Red, "0406", "东区 多点积水 (2 处)",
        "20260720-080000-def456", 2, T0, T0.AddMinutes(5), null,
        [new IncidentMember("al-1", "WL-1", "waterlog-depth", Severity.Orange, true, 35.3, 113.9, T0, null),
         new IncidentMember("al-2", "WL-2", "waterlog-depth", Severity.Red, true, 35.31, 113.91, T0.AddMinutes(1), null)]);

    private const string AlarmJson =
        """{"id":"al-20260720-080000-abc123","deviceId":"WL-1","ruleId":"waterlog-depth","kind":"waterlog","severity":"orange","status":"active","value":42.5,"peak":48,"raisedAt":"2026-07-20T08:00:00+00:00","updatedAt":"2026-07-20T08:03:00+00:00","acknowledged":false,"disposition":"filed","caseId":"20260720-080000-def456","suppressed":false,"flapping":false,"lat":35.3,"lon":113.9,"grid":"410702001001001","unit":"water-east","title":"道路积水 42.5 cm","zones":["river"],"history":[{"at":"2026-07-20T08:00:00+00:00","type":"raised","to":"orange","actor":"rule:waterlog-depth","note":"value 42.5"}]}""";

    private const string IncidentJson =
        """{"id":"inc-20260720-080000-abc123","ruleId":"catchment-flood","group":"east","groupName":"东区","status":"open","severity":"red","code":"0406","title":"东区 多点积水 (2 处)","caseId":"20260720-080000-def456","count":2,"openedAt":"2026-07-20T08:00:00+00:00","updatedAt":"2026-07-20T08:05:00+00:00","members":[{"alarmId":"al-1","deviceId":"WL-1","ruleId":"waterlog-depth","severity":"orange","active":true,"lat":35.3,"lon":113.9,"raisedAt":"2026-07-20T08:00:00+00:00"},{"alarmId":"al-2","deviceId":"WL-2","ruleId":"waterlog-depth","severity":"red","active":true,"lat":35.31,"lon":113.91,"raisedAt":"2026-07-20T08:01:00+00:00"}]}""";

    private const string ActiveAlarmJson =
        """{"ruleId":"waterlog-depth","severity":"yellow","since":"2026-07-20T08:00:00+00:00","value":30,"peak":31}""";

    // Orleans grain state as it was written while the incident's severities were names (IncidentState) and the alarm
    // record's were the Rules enum (DeviceState).
    private const string IncidentStateBefore =
        "20400B494E432D314107432D31010321800040B9E534E6DE08810000000000000000E0213001312CD42E1D537472696E67436F6D7061726572000301"
        + "01E001074105613120C01B4109574C2D31411177617465726C6F67410D6F72616E6765C101C101C101C10121800040B9E534E6DE0881000000000000"
        + "0000E0C101C101C101C101E04005613220C03D4109574C2D32C1234107726564C101C101C101C101218000867C0935E6DE08810000000000000000E0"
        + "C101C101C101C101E04005613320C05F4109574C2D33C123C147C101C101C101C101218000CC3F2D35E6DE08810000000000000000E0218000120351"
        + "35E6DE08810000000000000000E0C101C101C101E0E0410965617374C147E0";

    private const string DeviceStateBefore =
        "20C00101010101C101213001312CD42E1D537472696E67436F6D706172657200030101E00105411177617465726C6F6720080309C10121800040B9E5"
        + "34E6DE08810000000000000000E0C10109030D090311810000000000C04B40C101C1014107432D3101030101C1014105613121800040B9E534E6DE08"
        + "810000000000000000E0090301C101C10121E0C101C101C101010121E0C1010101C101C71D01C1010101E0400F6F66666C696E652008030521800040"
        + "B9E534E6DE08810000000000000000E0C101C101090305090301C101C101C101C10101010101C101C101C101090301C101C10121E0C101C101C10101"
        + "0121E0C1010101C101C71D01C1010101E0E021380300030101E0E0C101C101C101C101C101C101010121380300030101E0E001012735380300030101"
        + "E0E0E0";

    [Fact]
    public void Severity_names_are_the_lower_case_names_of_before()
    {
        Assert.Equal(["none", "blue", "yellow", "orange", "red"], WireNames.All<Severity>());
        Assert.Equal("\"red\"", JsonSerializer.Serialize(Severity.Red, CityOpsJson.Options));
        Assert.True(SeverityNames.TryParse(" Orange ", out var lenient));
        Assert.Equal(Severity.Orange, lenient);
        Assert.True(Severities.TryParse("yellow", out var named));
        Assert.Equal(Severity.Yellow, named);
        Assert.False(Severities.TryParse("none", out _));
        Assert.False(Severities.TryParse("Red", out _));
    }

    [Fact]
    public void Alarm_incident_and_active_alarm_json_is_byte_for_byte_what_it_was()
    {
        Assert.Equal(AlarmJson, JsonSerializer.Serialize(Alarm, CityOpsJson.Options));
        Assert.Equal(IncidentJson, JsonSerializer.Serialize(Incident, CityOpsJson.Options));
        Assert.Equal(ActiveAlarmJson, JsonSerializer.Serialize(new ActiveAlarm("waterlog-depth", Severity.Yellow, T0, 30, 31, null), CityOpsJson.Options));

        var read = JsonSerializer.Deserialize<IncidentSnapshot>(IncidentJson, CityOpsJson.Options)!;
        Assert.Equal((Severity.Red, Severity.Orange, Severity.Red), (read.Severity, read.Members[0].Severity, read.Members[1].Severity));
        Assert.Equal(Severity.Orange, JsonSerializer.Deserialize<AlarmSnapshot>(AlarmJson, CityOpsJson.Options)!.Severity);
    }

    [Fact]
    public async Task Alarm_and_incident_rows_and_webhook_payloads_are_byte_for_byte_what_they_were()
    {
        using var folder = new TempFolder("severity-wire");
        var path = folder.Combine("cityops.db");
        using (var db = StoreDatabase.Sqlite(path))
        {
            var options = Options.Create(new DispatchOptions { WebhookUrl = "http://127.0.0.1:9/hook" });
            var alarms = new DbAlarmStore(db, options);
            var alarmKey = (await alarms.SaveAsync(Alarm, "alarm.raised", T0)).Key;
            var incidents = new DbIncidentStore(db, options);
            var incidentKey = (await incidents.SaveAsync(Incident, "incident.opened", T0.AddMinutes(5))).Key;

            Assert.Equal(
                [$$"""{"event":"alarm.raised","id":"{{alarmKey}}","sequence":1,"at":"2026-07-20T08:00:00+00:00","alarm":{{AlarmJson}}}""",
                 $$"""{"event":"incident.opened","id":"{{incidentKey}}","sequence":2,"at":"2026-07-20T08:05:00+00:00","incident":{{IncidentJson}}}"""],
                (await alarms.Outbox.PendingAsync(10)).Select(p => p.Event.Body));
            Assert.Equal(["al-20260720-080000-abc123"], (await alarms.QueryAsync(new AlarmQuery(Severity: Severity.Orange))).Items.Select(a => a.Id));
            Assert.Empty((await alarms.QueryAsync(new AlarmQuery(Severity: Severity.Red))).Items);
        }

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        Assert.Equal(("orange", AlarmJson), await RowAsync(connection, "SELECT severity, body FROM alarms"));
        Assert.Equal(("red", IncidentJson), await RowAsync(connection, "SELECT severity, body FROM incidents"));
    }

    [Fact]
    public void Grain_state_written_while_severity_was_a_name_loads()
    {
        using var services = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(DeviceState).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();

        var incident = serializer.Deserialize<IncidentState>(Convert.FromHexString(IncidentStateBefore))!;
        Assert.Equal(("INC-1", Severity.Red), (incident.IncidentId, incident.Severity));
        Assert.Equal([Severity.Orange, Severity.Red, Severity.Red], incident.Members.Values.OrderBy(m => m.AlarmId).Select(m => m.Severity));
        var again = serializer.Deserialize<IncidentState>(serializer.SerializeToArray(incident))!;
        Assert.Equal([Severity.Red, Severity.Orange, Severity.Red, Severity.Red], [again.Severity, .. again.Members.Values.OrderBy(m => m.AlarmId).Select(m => m.Severity)]);

        // The alarm record's severity was a number before and still is: the device state written then loads, and written
        // again loads the same (byte for byte but for members added since, e.g. AlarmRecord.AwaitsBreach, Id 43).
        var device = serializer.Deserialize<DeviceState>(Convert.FromHexString(DeviceStateBefore))!;
        Assert.Equal((Severity.Orange, Severity.Red), (device.Alarms["waterlog"].Severity, device.Alarms["waterlog"].CurrentLevel));
        Assert.Equal((Severity.Blue, Severity.None), (device.Alarms["offline"].Severity, device.Alarms["offline"].CurrentLevel));
        var written = serializer.SerializeToArray(device);
        var reloaded = serializer.Deserialize<DeviceState>(written)!;
        Assert.Equal((Severity.Orange, Severity.Red, Severity.Blue, Severity.None),
            (reloaded.Alarms["waterlog"].Severity, reloaded.Alarms["waterlog"].CurrentLevel, reloaded.Alarms["offline"].Severity, reloaded.Alarms["offline"].CurrentLevel));
        Assert.Equal(Convert.ToHexString(written), Convert.ToHexString(serializer.SerializeToArray(reloaded)));
    }

    private static async Task<(string, string)> RowAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var row = await command.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        return (row.GetString(0), row.GetString(1));
    }
}
