using System.Collections.Immutable;
using System.Text.Json;
using CityOps.Grains;
using CityOps.Grains.Dispatch;
using CityOps.Grains.Storage;
using CityOps.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CityOps.Tests.Cases;

/// <summary>
/// The case enums (status, action, event, code type, source) are written exactly as the strings were before them: the
/// JSON of a case, its stored row and the webhook payload are pinned byte for byte.
/// </summary>
public sealed class CaseWireFormatTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    // A case with only the fields of the contract before typed codes and dispatch deadlines: its JSON is what it was.
    private static readonly CaseSnapshot Before = new(
        "20260720-080000-abc123", CaseStatus.Dispatched, Severity.Red, "0406", "道路积水", "道路积水 55 cm", "WL-1", "waterlog-depth",
        35.3, 113.9, "410702001001001", "water-east", 55, 55.5, true, T0, T0.AddMinutes(5), T0.AddHours(1), null,
        [new HistoryEntry(T0, "file", null, "filed", "rule:waterlog-depth", null), new HistoryEntry(T0.AddMinutes(5), "dispatch", "filed", "dispatched", "desk", "unit water-east")],
        AlarmIds: ImmutableArray.Create("a1"));

    private const string BeforeJson =
        """{"id":"20260720-080000-abc123","status":"dispatched","severity":"red","code":"0406","category":"道路积水","title":"道路积水 55 cm","deviceId":"WL-1","ruleId":"waterlog-depth","lat":35.3,"lon":113.9,"grid":"410702001001001","unit":"water-east","value":55,"peak":55.5,"alarmActive":true,"openedAt":"2026-07-20T08:00:00+00:00","updatedAt":"2026-07-20T08:05:00+00:00","dueAt":"2026-07-20T09:00:00+00:00","history":[{"at":"2026-07-20T08:00:00+00:00","type":"file","to":"filed","actor":"rule:waterlog-depth"},{"at":"2026-07-20T08:05:00+00:00","type":"dispatch","from":"filed","to":"dispatched","actor":"desk","note":"unit water-east"}],"overdue":false,"alarmIds":["a1"]}""";

    [Fact]
    public void Case_json_is_byte_for_byte_what_it_was_and_new_fields_are_lower_case()
    {
        Assert.Equal(BeforeJson, JsonSerializer.Serialize(Before, CityOpsJson.Options));

        var typed = Before with { Status = CaseStatus.Cancelled, CodeType = CodeType.Event, Source = CaseSource.Hotline, DispatchDueAt = T0.AddMinutes(30), DueLimit = TimeSpan.FromHours(1), SuperviseLevel = 1 };
        var json = JsonSerializer.Serialize(typed, CityOpsJson.Options);
        Assert.Contains("\"status\":\"cancelled\"", json, StringComparison.Ordinal);
        Assert.EndsWith("""
            "alarmIds":["a1"],"codeType":"event","source":"hotline","dispatchDueAt":"2026-07-20T08:30:00+00:00","dueLimit":"01:00:00","superviseLevel":1}
            """, json, StringComparison.Ordinal);
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<CaseSnapshot>(json, CityOpsJson.Options), CityOpsJson.Options));
    }

    [Theory]
    [InlineData(CaseStatus.Deferred, "deferred")]
    [InlineData(CaseStatus.Cancelled, "cancelled")]
    public void Statuses_read_and_write_their_wire_names(CaseStatus status, string name)
    {
        Assert.Equal(name, WireNames.Of(status));
        Assert.True(WireNames.TryParse<CaseStatus>(name, out var parsed));
        Assert.Equal(status, parsed);
        Assert.False(WireNames.TryParse<CaseStatus>("Deferred", out _));
    }

    [Fact]
    public void Action_and_event_names_are_kebab_case()
    {
        Assert.Equal(
            ["dispatch", "handle", "verify", "close", "rework", "postpone", "cancel", "return", "reassign", "request-postpone", "approve-postpone", "reject-postpone", "defer", "resume", "supervise"],
            WireNames.All<CaseActionKind>());
        Assert.Equal("case.postpone-requested", WireNames.Of(CaseEventKind.PostponeRequested));
        Assert.Equal("\"case.filed\"", JsonSerializer.Serialize(CaseEventKind.Filed, CityOpsJson.Options));
    }

    [Fact]
    public async Task Stored_row_and_webhook_payload_are_byte_for_byte_what_they_were()
    {
        using var folder = new TempFolder("case-wire");
        var path = folder.Combine("cityops.db");
        using var db = StoreDatabase.Sqlite(path);
        var store = new DbCaseStore(db, Options.Create(new DispatchOptions { WebhookUrl = "http://127.0.0.1:9/hook" }));

        var logged = await store.SaveAsync(Before, CaseEventKind.Dispatched, T0.AddMinutes(5));

        var payload = Assert.Single(await store.Outbox.PendingAsync(10)).Event;
        Assert.Equal("case.dispatched", payload.Event);
        Assert.Equal(
            $$"""{"event":"case.dispatched","id":"{{logged.Key}}","sequence":1,"at":"2026-07-20T08:05:00+00:00","case":{{BeforeJson}}}""",
            payload.Body);

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, body FROM cases WHERE id = '20260720-080000-abc123'";
        await using var row = await command.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal(("dispatched", BeforeJson), (row.GetString(0), row.GetString(1)));
    }

    [Fact]
    public async Task A_case_row_written_while_severity_was_a_name_loads_with_its_severity()
    {
        using var folder = new TempFolder("case-wire");
        var path = folder.Combine("cityops.db");
        using var db = StoreDatabase.Sqlite(path);
        var store = new DbCaseStore(db, Options.Create(new DispatchOptions()));
        await store.SaveAsync(Before with { Severity = Severity.Blue });

        // The row as the code wrote it while severity was a string (BeforeJson is that code's output).
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE cases SET body = $body WHERE id = '20260720-080000-abc123'";
            command.Parameters.AddWithValue("$body", BeforeJson);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var loaded = await store.FindAsync("20260720-080000-abc123");
        Assert.Equal(Severity.Red, loaded!.Severity);
        Assert.Equal(BeforeJson, JsonSerializer.Serialize(loaded, CityOpsJson.Options));
    }
}
