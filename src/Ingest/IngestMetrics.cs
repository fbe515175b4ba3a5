using Prometheus;

namespace CityOps.Ingest;

/// <summary>Prometheus metrics of the ingest edge.</summary>
public static class IngestMetrics
{
    public static readonly Counter ReadingsAccepted = Metrics.CreateCounter(
        "cityops_ingest_readings_total", "Readings accepted by their device grains.");

    public static readonly Counter Rejected = WithEveryReason(Metrics.CreateCounter(
        "cityops_ingest_rejected_total", "Messages or batch elements rejected at the edge, by reason.", "reason"));

    public static readonly Counter Messages = Metrics.CreateCounter(
        "cityops_ingest_messages_total", "MQTT messages received on telemetry topics.");

    public static readonly Counter Rounds = Metrics.CreateCounter(
        "cityops_ingest_rounds_total", "Dispatcher rounds: each hands the readings that arrived meanwhile to their device grains, one call per device.");

    public static readonly Gauge ChannelDepth = Metrics.CreateGauge(
        "cityops_ingest_channel_depth", "Messages waiting in the ingest channel.");

    public static readonly Gauge Connected = Metrics.CreateGauge(
        "cityops_mqtt_connected", "1 while readings can arrive: the ingest client is connected to the external broker, or the embedded broker listens.");

    public static readonly Counter DispatchRetries = Metrics.CreateCounter(
        "cityops_ingest_dispatch_retries_total", "Grain calls retried after a failure.");

    public static readonly Histogram EvaluationLag = Metrics.CreateHistogram(
        "cityops_ingest_evaluation_lag_seconds",
        "From a reading's ts to its device grain having judged it: publish → evaluation when device clocks are right.",
        new HistogramConfiguration
        {
            Buckets = [0.001, 0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30, 60],
        });

    public static readonly Counter MqttRefused = Metrics.CreateCounter(
        "cityops_mqtt_refused_total", "Connections, publishes and subscriptions the embedded broker refused (CityOps:Mqtt:RequireAuth), by reason.", "reason");

    // Every known reason is exported from the start (at 0), so rates and alerts work before the first reject.
    private static Counter WithEveryReason(Counter counter)
    {
        foreach (var reason in Parsing.RejectReasons.All)
        {
            counter.WithLabels(Parsing.RejectReasons.Label(reason));
        }

        return counter;
    }
}
