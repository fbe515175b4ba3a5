namespace CityOps.Grains.Alarms;

/// <summary>The names of alarm events on the alarm stream and the webhook (<c>{"event": "alarm.raised", "alarm": {...}}</c>).</summary>
public static class AlarmEvents
{
    public const string Raised = "alarm.raised";
    public const string Updated = "alarm.updated";
    public const string Acknowledged = "alarm.acknowledged";
    public const string Cleared = "alarm.cleared";
    public const string Filed = "alarm.filed";
    public const string Dismissed = "alarm.dismissed";
    public const string Closed = "alarm.closed";
}
