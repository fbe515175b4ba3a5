namespace CityOps.Grains.Incidents;

/// <summary>The names of incident events on the alarm stream and webhook (<c>{"event": "incident.opened", "incident": {...}}</c>).</summary>
public static class IncidentEvents
{
    public const string Opened = "incident.opened";

    /// <summary>A member joined or cleared, the worst severity rose, or the incident's case was filed.</summary>
    public const string Updated = "incident.updated";

    /// <summary>The last member cleared.</summary>
    public const string Cleared = "incident.cleared";
}
