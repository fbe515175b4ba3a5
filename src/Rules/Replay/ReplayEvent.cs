using CityOps.Rules.Testing;

namespace CityOps.Rules.Replay;

/// <summary>
/// A case event a replayed device caused: an alarm raised, escalated or cleared, at reading time, where the device was then;
/// or it started flapping or went quiet (<see cref="Flapping"/>: whether the alarm is flapping after the event).
/// </summary>
public sealed record ReplayEvent(
    DateTimeOffset At, string Device, string Rule, CaseEventKind Event, Severity Severity, double Value, double? Peak, double? Lat = null, double? Lon = null,
    bool Flapping = false);
