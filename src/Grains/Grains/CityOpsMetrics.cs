using Prometheus;

namespace CityOps.Grains;

/// <summary>Prometheus counters owned by the grains (the ingest edge has its own).</summary>
public static class CityOpsMetrics
{
    public static readonly Counter CasesRaised = Metrics.CreateCounter(
        "cityops_cases_raised_total", "Cases filed (立案), by rules or by people.", "code");

    public static readonly Counter CaseChanges = Metrics.CreateCounter(
        "cityops_case_changes_total", "Case changes announced, by event.", "event");

    public static readonly Counter ReadingsEvaluated = Metrics.CreateCounter(
        "cityops_readings_evaluated_total", "Readings judged by rules (newer than the last one evaluated for their device).");

    public static readonly Counter ReadingsRefused = Metrics.CreateCounter(
        "cityops_readings_refused_total", "Readings a device grain refused, by reason.", "reason");
}
