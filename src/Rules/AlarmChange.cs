namespace CityOps.Rules;

/// <summary>
/// What one evaluation changed. <see cref="Severity"/> is the alarm's severity after the change (for
/// <see cref="AlarmChangeKind.Pending"/>, the level the value is at); it is <see cref="Severity.None"/> for
/// <see cref="AlarmChangeKind.None"/>. For offline rules <see cref="Value"/> is the minutes without a reading when
/// raised and 0 otherwise.
/// </summary>
public readonly record struct AlarmChange(AlarmChangeKind Kind, Severity Severity, double Value, DateTimeOffset At);
