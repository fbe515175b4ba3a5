using Prometheus;

namespace CityOps.Grains.Alarms;

/// <summary>Prometheus counters of the alarm desk. Dismissals per rule show the rules to tune.</summary>
public static class AlarmMetrics
{
    public static readonly Counter Raised = Metrics.CreateCounter(
        "cityops_alarms_raised_total", "Alarms raised, by rule and disposition at raising (pending, filed, maintenance).", "rule", "disposition");

    public static readonly Counter Dismissed = Metrics.CreateCounter(
        "cityops_alarms_dismissed_total", "Alarms dismissed by a person (误报/无需立案), by rule.", "rule");

    public static readonly Counter Filed = Metrics.CreateCounter(
        "cityops_alarms_filed_total", "Alarms that filed a case, by rule and by whom (auto, person).", "rule", "by");
}
