using Prometheus;

namespace CityOps.Grains.Incidents;

/// <summary>Prometheus counters of incidents: how many formed, and how many alarms joined one instead of filing a case of their own.</summary>
public static class IncidentMetrics
{
    public static readonly Counter Opened = Metrics.CreateCounter(
        "cityops_incidents_opened_total", "Incidents formed, by incident rule.", "incident");

    public static readonly Counter Members = Metrics.CreateCounter(
        "cityops_incident_members_total", "Alarms that became members of an incident, by incident rule.", "incident");
}
