using System.Collections.Immutable;
using System.Globalization;
using CityOps.Grains.Cases;
using CityOps.Grains.Devices;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using CityOps.Rules;

namespace CityOps.Grains.Alarms;

/// <summary>
/// The alarm desk's side of a device grain: makes an alarm's record when it is raised, turns records into the alarms the
/// API lists, and writes each change to the <see cref="IAlarmStore"/> (significant changes with an event on the alarm
/// stream and webhook). When to call it, and what is persisted first, stays with the device grain.
/// </summary>
public sealed class AlarmDesk(IAlarmStore store, CaseEventHub hub, ZoneMap zones)
{
    /// <summary>A value-only change of an active alarm reaches the store at most this often (a storm updates every alarm on every reading).</summary>
    public static readonly TimeSpan ValueSaveInterval = TimeSpan.FromSeconds(5);

    private const int MaxHistory = 100;

    public static string NewAlarmId(DateTimeOffset at) =>
        "al-" + at.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 4).ToLowerInvariant();

    /// <summary>The record of a newly raised alarm, with its disposition by the rule's filing policy (not yet filed).</summary>
    public AlarmRecord Raise(string deviceId, Rule rule, AlarmState alarm, DeviceState device, DateTimeOffset at, string? silencedBy)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(alarm);
        ArgumentNullException.ThrowIfNull(device);
        var record = AlarmRecord.From(alarm, null, caseFiled: false, rule.Definition);
        record.AlarmId = NewAlarmId(at);
        record.RaisedAt = at;
        record.Disposition = rule.Maintenance ? AlarmDisposition.Maintenance : AlarmDisposition.Pending;
        record.SuppressedBy = silencedBy;
        record.Title = DeviceCaseFiler.Title(deviceId, device, rule, alarm);
        record.Zones = device.Lat is { } lat && device.Lon is { } lon
            ? [.. zones.Current.ZonesAt(lat, lon)]
            : [];
        record.History.Add(new HistoryEntry(at, "raised", null, WireNames.Of(alarm.Severity), "rule:" + rule.Id,
            silencedBy is not null ? (silencedBy.StartsWith("al-", StringComparison.Ordinal) ? "suppressed by " : "silenced by ") + silencedBy : Format(alarm.LastValue) is { } v ? "value " + v : null));
        AlarmMetrics.Raised.WithLabels(rule.Id, WireNames.Of(record.Disposition)).Inc();
        return record;
    }

    /// <summary>Adds a line to the record's history (the oldest lines beyond 100 are dropped; the store keeps the alarm's events).</summary>
    public static void Note(AlarmRecord record, HistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.History.Add(entry);
        if (record.History.Count > MaxHistory)
        {
            record.History.RemoveAt(1);
        }
    }

    /// <summary>The alarm as the API shows it.</summary>
    public static AlarmSnapshot Snapshot(string deviceId, DeviceState device, string ruleId, AlarmRecord record, DateTimeOffset at, DateTimeOffset? clearedAt = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(record);
        return new AlarmSnapshot(
            record.AlarmId!, deviceId, ruleId, device.Registration?.Kind ?? "", record.Severity,
            clearedAt is null ? AlarmStatus.Active : AlarmStatus.Cleared, record.LastValue, record.Peak,
            record.RaisedAt ?? record.ActiveSince ?? at, clearedAt, at,
            record.AcknowledgedAt is not null, record.AcknowledgedBy, record.AcknowledgedAt, record.Disposition,
            record.CaseFiled || record.Disposition == AlarmDisposition.Filed ? record.CaseId : null, record.IncidentId,
            record.SuppressedBy is not null, record.SuppressedBy, record.Flapping,
            device.Lat, device.Lon, device.Grid, device.Unit, record.Title ?? ruleId, record.DismissReason, record.ClosedAt,
            [.. record.Zones], [.. record.History]);
    }

    /// <summary>Stores a change and announces it on the alarm stream and webhook.</summary>
    public async Task Announce(AlarmSnapshot alarm, string eventName, DateTimeOffset at)
    {
        await store.SaveAsync(alarm, eventName, at);
        hub.NotifyLogGrew();
    }

    /// <summary>Stores a value-only change of an active alarm (no event: the stream tells significant changes).</summary>
    public Task SaveValue(AlarmSnapshot alarm) => store.SaveAsync(alarm);

    public Task<AlarmSnapshot?> Find(string alarmId) => store.FindAsync(alarmId);

    private static string? Format(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture);
}
