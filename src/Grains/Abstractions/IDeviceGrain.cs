using System.Collections.Immutable;

namespace CityOps.Grains;

/// <summary>
/// One grain per sensor or device, keyed by device id. It owns the device's registry data,
/// its last metrics and liveness, and the alarm state of every rule for its kind. Not reentrant:
/// readings are judged strictly in the order they arrive.
/// </summary>
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts readings (oldest first). Returns once state changes they cause are durable. A ValueTask: the ingest path
    /// awaits it once, and Orleans then hands back its response without wrapping it in a Task per call.
    /// </summary>
    ValueTask<IngestResult> Ingest(ImmutableArray<Reading> readings);

    Task<DeviceSnapshot> Register(DeviceRegistration registration);

    /// <summary>The device, or null when it was never registered nor heard from.</summary>
    Task<DeviceSnapshot?> Get();

    /// <summary>Runs offline checks now (also run by the grain's own timer).</summary>
    Task CheckOffline();

    /// <summary>Verifies a device's MQTT password against its stored hash.</summary>
    Task<bool> VerifySecret(string secret);

    /// <summary>A person's action on one of the device's alarms (active, or cleared and kept in the alarm store).</summary>
    Task<AlarmActionResult> ActOnAlarm(string alarmId, AlarmAction action);

    /// <summary>
    /// An incident grain tells the device that its alarm joined an incident, or that the incident's case was filed. One-way:
    /// the incident grain never waits on a device grain (which may be waiting on it).
    /// </summary>
    [Orleans.Concurrency.OneWay]
    Task JoinedIncident(string alarmId, string incidentId, string? caseId);

    /// <summary>
    /// A child (a device whose <c>parent</c> attribute names this one) asks for an active alarm here of one of
    /// <paramref name="ruleIds"/> (rules whose <c>inhibits:</c> name the child's rule): its id, or null. The child is told
    /// (<see cref="ParentCleared"/>) when that alarm clears. Children call their parent; a parent never waits on a child.
    /// </summary>
    Task<string?> InhibitingAlarm(string childId, ImmutableArray<string> ruleIds);

    /// <summary>
    /// The parent raised an alarm of a rule with <c>inhibits:</c> (found this device in the directory by its <c>parent</c>
    /// attribute): the device's alarms of the inhibited rules raised before it ask it (<see cref="InhibitingAlarm"/>), and
    /// are suppressed by it from now on. One-way, like <see cref="ParentCleared"/>.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    Task ParentAlarmRaised(string parentAlarmId);

    /// <summary>The parent's alarm that suppressed alarms of this device cleared: they are judged again. One-way.</summary>
    [Orleans.Concurrency.OneWay]
    Task ParentCleared(string parentAlarmId);
}
