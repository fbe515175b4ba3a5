using CityOps.Grains;
using CityOps.Grains.Devices;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace CityOps.Tests.Storage;

/// <summary>
/// <see cref="HistoryEntry"/> replaced <c>AlarmEntry</c> and <c>CaseEntry</c> (the same six fields, aliases
/// <c>cityops.alarm-entry</c> and <c>cityops.case-entry</c>). The bytes below were written by the build before it
/// (commit 6b15a22) with the Orleans serializer the grain storage uses: a device grain's state holding an alarm with two
/// history lines, an alarm snapshot and a case snapshot as they cross the wire. This build reads them field for field.
/// </summary>
public sealed class HistoryEntryStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    // new DeviceState { Alarms["depth"] = new AlarmRecord { AlarmId = "al-1", History = [AlarmEntry(T0, "raised", null, "orange",
    // "rule", null), AlarmEntry(T0 + 3 min, "acknowledged", null, null, "monitor-1", "on it")] } }
    private const string DeviceStateOfBefore =
        "IMABAQEBAcEBITABMSzULh1TdHJpbmdDb21wYXJlcgADAQHgAQNBC2RlcHRoIAgDAcEBwQHBAQkDAQkDAcEBwQHBAcEBAQEBAcEB" +
        "QQlhbC0xwQEJAwHBAcEBIQAFIegggABAueU05t4IgQAAAAAAAAAA4EENcmFpc2VkwQFBDW9yYW5nZUEJcnVsZcEB4CDoIIAAEgNR" +
        "NebeCIEAAAAAAAAAAOBBGWFja25vd2xlZGdlZMEBwQFBE21vbml0b3ItMUELb24gaXTg4MEBwQHBAQEBIeDBAQEBwQHHHQHBAQEB" +
        "AQHg4CE4AwADAQHg4MEBwQHBAcEBwQHBAQEBITgDAAMBAeDgAQEnNTgDAAMBAeDg4A==";

    // An AlarmSnapshot with History = [AlarmEntry(T0, "raised", null, "blue", "rule", null)].
    private const string AlarmSnapshotOfBefore =
        "IOhACWFsLTFBCVdMLTFBC2RlcHRoQRF3YXRlcmxvZwkDBQkDBYEAAAAAAAAwQIEAAAAAAAAyQCGAAEC55TTm3giBAAAAAAAAAADg" +
        "IYAAnomYNebeCIEAAAAAAAAAAOAhgACeiZg15t4IgQAAAAAAAAAA4AEBwQHBAQkDAcEBwQEBAcEBAQHBAcEBwQHBAUEN56ev5rC0" +
        "wQHBASEg4OAhIAADIegggABAueU05t4IgQAAAAAAAAAA4EENcmFpc2VkwQFBCWJsdWVBCXJ1bGXBAeDg4OA=";

    // new CaseScript("c-1", "grid-a").File(T0).Dispatch(T0 + 1 min, "water", T0 + 4 h).Build(): two CaseEntry lines.
    private const string CaseSnapshotOfBefore =
        "IOhAB2MtMQkDBQkDCUEJMDQwNkEZ6YGT6Lev56ev5rC0QQdjLTHBAcEBwQHBAUENZ3JpZC1hQQt3YXRlcsEBwQEBASGAAEC55TTm" +
        "3giBAAAAAAAAAADgIYAAhnwJNebeCIEAAAAAAAAAAOAhgADgymxW5t4IgQAAAAAAAAAA4MEBISAABSHoIIAAQLnlNObeCIEAAAAA" +
        "AAAAAOBBCWZpbGVBC2ZpbGVkQQtmaWxlZEENdGVzdGVywQHgIOgggACGfAk15t4IgQAAAAAAAAAA4EERZGlzcGF0Y2hBC2ZpbGVk" +
        "QRVkaXNwYXRjaGVkQQ10ZXN0ZXJBFXVuaXQgd2F0ZXLg4OABAcEBwQHBAccPAcEBwQHBAQEBAQEBAQEBwQHBAcEBwQHBAeA=";

    [Fact]
    public void Device_state_written_with_AlarmEntry_reads_with_HistoryEntry()
    {
        var state = Serializer.Deserialize<DeviceState>(Convert.FromBase64String(DeviceStateOfBefore))!;

        var record = state.Alarms["depth"];
        Assert.Equal("al-1", record.AlarmId);
        Assert.Equal(
            [new HistoryEntry(T0, "raised", null, "orange", "rule", null), new HistoryEntry(T0.AddMinutes(3), "acknowledged", null, null, "monitor-1", "on it")],
            record.History);
    }

    [Fact]
    public void Alarm_snapshot_written_with_AlarmEntry_reads_with_HistoryEntry()
    {
        var alarm = Serializer.Deserialize<AlarmSnapshot>(Convert.FromBase64String(AlarmSnapshotOfBefore))!;

        Assert.Equal(("al-1", "积水"), (alarm.Id, alarm.Title));
        Assert.Equal<HistoryEntry>([new HistoryEntry(T0, "raised", null, "blue", "rule", null)], alarm.History);
    }

    [Fact]
    public void Case_snapshot_written_with_CaseEntry_reads_with_HistoryEntry()
    {
        var kase = Serializer.Deserialize<CaseSnapshot>(Convert.FromBase64String(CaseSnapshotOfBefore))!;

        Assert.Equal("c-1", kase.Id);
        Assert.Equal<HistoryEntry>(
            [new HistoryEntry(T0, "file", "filed", "filed", "tester", null), new HistoryEntry(T0.AddMinutes(1), "dispatch", "filed", "dispatched", "tester", "unit water")],
            kase.History);
    }

    [Fact]
    public void A_history_entry_round_trips_as_it_was_written_before()
    {
        // What this build writes is what the build before wrote: no type name for a value of the declared type.
        var state = Serializer.Deserialize<DeviceState>(Convert.FromBase64String(DeviceStateOfBefore))!;

        Assert.Equal(DeviceStateOfBefore, Convert.ToBase64String(Serializer.SerializeToArray(state)));
    }
}
