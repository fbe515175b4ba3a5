using Prometheus;

namespace CityOps.Grains;

/// <summary>Prometheus counters owned by the grains (the ingest edge has its own).</summary>
public static class CityOpsMetrics
{
    public static readonly Counter CasesRaised = Metrics.CreateCounter(
        "cityops_cases_raised_total", "Cases filed (立案), by rules or by people.");

    public static readonly Counter CasesRaisedByCode = Metrics.CreateCounter(
        "cityops_cases_raised_by_code_total", "Cases filed (立案), by GB/T 30428 code.", "code");

    public static readonly Counter CaseChanges = Metrics.CreateCounter(
        "cityops_case_changes_total", "Case changes announced, by event.", "event");

    public static readonly Counter ReadingsEvaluated = Metrics.CreateCounter(
        "cityops_readings_evaluated_total", "Readings judged by rules (newer than the last one evaluated for their device).");

    public static readonly Counter ReadingsRefused = Metrics.CreateCounter(
        "cityops_readings_refused_total", "Readings a device grain refused, by reason.", "reason");

    public static readonly Counter ReadingsNotJudged = WithLabels(Metrics.CreateCounter(
        "cityops_readings_not_judged_total",
        "Readings no rule judged, by reason: redelivered (same seq and ts), late (older than the last judged), future (ts too far ahead), unregistered, wrong_kind.",
        "reason"), "redelivered", "late", "future", "unregistered", "wrong_kind");

    public static readonly Counter MetricNamesDropped = Metrics.CreateCounter(
        "cityops_metric_names_dropped_total", "Metric values not kept as a device's last value because the device already has CityOps:Devices:MaxMetricsPerDevice names.");

    public static readonly Gauge LeaseHeld = Metrics.CreateGauge(
        "cityops_cluster_lease_held", "1 on the node doing the cluster's once-only work (webhooks, sweeps, waking devices), else 0.");

    public static readonly Gauge CasesOverdue = Metrics.CreateGauge(
        "cityops_cases_overdue", "Open cases not yet handled whose 处置时限 (dueAt) has passed.");

    public static readonly Counter CasesOverdueTotal = Metrics.CreateCounter(
        "cityops_cases_overdue_total", "Cases that passed their 处置时限 before being handled.");

    /// <summary>Webhook events written to the outbox and not yet delivered or parked (read by the InfluxDB writer too).</summary>
    public static readonly Gauge WebhookPending = Metrics.CreateGauge(
        "cityops_webhook_pending", "Case events in the webhook outbox waiting for delivery.");

    public static readonly Counter WebhookDelivered = Metrics.CreateCounter(
        "cityops_webhook_delivered_total", "Case events the webhook receiver accepted (2xx).");

    public static readonly Counter WebhookFailed = Metrics.CreateCounter(
        "cityops_webhook_failed_total", "Webhook delivery attempts that failed, by reason (unreachable, timeout, 5xx, 4xx).", "reason");

    public static readonly Counter WebhookParked = Metrics.CreateCounter(
        "cityops_webhook_parked_total", "Case events given up on because the receiver refused them (4xx other than 408/429).");

    public static readonly Counter AlarmsSilenced = Metrics.CreateCounter(
        "cityops_alarms_silenced_total", "Alarms that raised no case because a silence (maintenance window) held.");

    // Every known label is exported from the start (at 0), so rates and alerts work before the first one.
    private static Counter WithLabels(Counter counter, params string[] labels)
    {
        foreach (var label in labels)
        {
            counter.WithLabels(label);
        }

        return counter;
    }
}
