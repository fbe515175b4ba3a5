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

    /// <summary>An escalation step of the rule's <c>escalate:</c> raised the severity without a reading.</summary>
    public const string Escalated = "alarm.escalated";

    /// <summary>The rule's <c>remind:</c> re-sent the alarm: still active and nobody acknowledged it.</summary>
    public const string Reminded = "alarm.reminded";
}
