using System.Collections.Immutable;
using CityOps.Grains.Zones;
using CityOps.Rules;

namespace CityOps.Grains.Devices;

/// <summary>What a device grain keeps across restarts. Field ids never change; add new ones at the end.</summary>
[GenerateSerializer, Alias("cityops.device-state")]
public sealed class DeviceState
{
    [Id(0)] public DeviceRegistration? Registration { get; set; }
    [Id(1)] public bool AutoProvisioned { get; set; }

    /// <summary>Timestamp of the newest reading judged by rules; older or equal ones are not judged again.</summary>
    [Id(2)] public long LastEvaluatedMs { get; set; }
    [Id(3)] public long? LastSeq { get; set; }
    [Id(4)] public Dictionary<string, AlarmRecord> Alarms { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public Dictionary<string, double> Last { get; set; } = new(StringComparer.Ordinal);
    [Id(6)] public DateTimeOffset? LastSeen { get; set; }

    /// <summary>The latest reported position (vehicles), else the registered one.</summary>
    [Id(7)] public double? Lat { get; set; }
    [Id(8)] public double? Lon { get; set; }
    [Id(9)] public string? Grid { get; set; }
    [Id(10)] public string? Unit { get; set; }
    [Id(11)] public string? ZoneVersion { get; set; }
    [Id(12)] public bool Online { get; set; }

    /// <summary>
    /// Flapping watches by rule id (rules with <c>flapping:</c> only); null while there are none, as on most devices (an
    /// empty dictionary is 80 bytes, 80 MB on a silo of a million devices).
    /// </summary>
    [Id(13)] public Dictionary<string, FlapState>? Flaps { get; set; }

    /// <summary>Readings accepted from the device, counted up to <see cref="int.MaxValue"/> (phantoms send one or two).</summary>
    [Id(14)] public int ReadingsAccepted { get; set; }

    /// <summary>
    /// Children whose alarms an alarm of this device suppresses (<c>inhibits:</c>), by this device's alarm id: told when it clears.
    /// Null while there are none, like <see cref="Flaps"/>.
    /// </summary>
    [Id(40)] public Dictionary<string, List<string>>? InhibitedChildren { get; set; }

    /// <summary>
    /// Auto-provisioned, never registered through the API, and heard from fewer than <paramref name="minReadings"/> times:
    /// its silence is no 离线 case for the desk.
    /// </summary>
    public bool IsPhantom(int minReadings) => AutoProvisioned && ReadingsAccepted < minReadings;

    /// <summary>
    /// Keeps <paramref name="value"/> as the last value of <paramref name="metric"/>; a name the device has not sent before
    /// is kept only while it has fewer than <paramref name="maxNames"/> (false: dropped, so one device cannot grow its
    /// document without bound by inventing names).
    /// </summary>
    public bool RememberLast(string metric, double value, int maxNames)
    {
        if (Last.Count >= maxNames && !Last.ContainsKey(metric))
        {
            return false;
        }

        Last[metric] = value;
        return true;
    }

    /// <summary>Recomputes grid and unit when the position or the zone map changed; true when they did.</summary>
    public bool Locate(ZoneSet zoneSet, bool force)
    {
        ArgumentNullException.ThrowIfNull(zoneSet);
        if (!force && ZoneVersion == zoneSet.Version)
        {
            return false;
        }

        ZoneVersion = zoneSet.Version;
        var cell = Lat is { } lat && Lon is { } lon ? zoneSet.Locate(lat, lon) : null;
        if (cell?.Code == Grid && cell?.Unit == Unit)
        {
            return false;
        }

        Grid = cell?.Code;
        Unit = cell?.Unit;
        return true;
    }

    /// <summary>
    /// Where an accepted reading is stored. Fixed devices lend their position to readings without one, so maps can
    /// place them; a moving device's reading is placed by its own position, so a redelivery lands in the same series.
    /// Readings placed alike share <paramref name="previous"/>.
    /// </summary>
    public ReadingPlacement Place(Reading reading, bool judged, ZoneSet zoneSet, ReadingPlacement? previous)
    {
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(zoneSet);
        var (grid, unit) = (Grid, Unit);
        if (!judged && reading.Lat is { } lat && reading.Lon is { } lon)
        {
            var cell = zoneSet.Locate(lat, lon);
            (grid, unit) = (cell?.Code, cell?.Unit);
        }

        return previous is not null && previous.Lat == Lat && previous.Lon == Lon && previous.Grid == grid && previous.Unit == unit
            ? previous
            : new ReadingPlacement(Lat, Lon, grid, unit);
    }

    /// <summary>
    /// Takes the judge's alarm states into <see cref="Alarms"/>, keeping each one's case and desk record. An alarm back to idle without a
    /// case (a pending alarm that did not last) leaves nothing to keep, here or, once it counts nothing, in the judge.
    /// </summary>
    public void KeepAlarms(DeviceJudge judge)
    {
        ArgumentNullException.ThrowIfNull(judge);
        foreach (var (ruleId, alarm) in judge.Alarms)
        {
            Alarms.TryGetValue(ruleId, out var existing);
            if (alarm.Phase == AlarmPhase.Idle && existing?.CaseId is null && existing?.AlarmId is null)
            {
                Alarms.Remove(ruleId);
                if (alarm.Matches == 0)
                {
                    judge.Forget(ruleId);
                }

                continue;
            }

            if (existing is null)
            {
                Alarms[ruleId] = AlarmRecord.From(alarm, null, false, judge.RuleSet?.Find(ruleId)?.Definition);
            }
            else
            {
                existing.Refresh(alarm, judge.RuleSet?.Find(ruleId)?.Definition);
            }
        }
    }

    public DeviceSnapshot Snapshot(string id, bool online)
    {
        var registration = Registration!;
        var alarms = Alarms
            .Where(a => a.Value.Phase is AlarmPhase.Active or AlarmPhase.Clearing)
            .Select(a => new ActiveAlarm(a.Key, a.Value.Severity, a.Value.ActiveSince ?? default, a.Value.LastValue, a.Value.Peak, a.Value.CaseId))
            .ToImmutableArray();
        return new DeviceSnapshot(
            id, registration.Kind, registration.Name, Lat ?? registration.Lat, Lon ?? registration.Lon, registration.Code,
            registration.Attributes, Grid, Unit, online, LastSeen,
            Last.ToImmutableDictionary(StringComparer.Ordinal), alarms, AutoProvisioned, registration.SecretHash is not null);
    }
}
