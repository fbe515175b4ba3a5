using System.Diagnostics;
using CityOps.Ingest;
using CityOps.Ingest.Influx;

namespace CityOps.Api.Hosting;

/// <summary>
/// Writes the engine's own figures to InfluxDB, so one Grafana datasource shows telemetry and the
/// engine alike: <c>cityops</c> and <c>cityops_rejected</c> every 10 s, <c>cases_open</c> every 30 s
/// (docs/telemetry.md). The same figures are on <c>/metrics</c> for Prometheus.
/// </summary>
public sealed class EngineTelemetryReporter(ITelemetryWriter telemetry, ICaseStore cases, IConfiguration configuration, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    // Every (unit, code) that had open cases, so a count that drops to zero is written as 0.
    private readonly HashSet<(string? Unit, string Code)> _seen = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!telemetry.Enabled)
        {
            return;
        }

        var node = configuration["CityOps:Cluster:NodeName"] is { Length: > 0 } name ? name : Environment.MachineName;
        var lines = new LineBuilder();
        using var timer = new PeriodicTimer(Period, time);
        var tick = 0;
        try
        {
            do
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                AppendEngine(lines, node, now);
                if (tick++ % 3 == 0)
                {
                    await AppendOpenCasesAsync(lines, now);
                }

                await telemetry.WriteAsync(lines.Take(), stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static void AppendEngine(LineBuilder lines, string node, long now)
    {
        long Count(double value) => (long)value;
        var rejected = 0L;
        foreach (var labels in IngestMetrics.Rejected.GetAllLabelValues())
        {
            var count = Count(IngestMetrics.Rejected.WithLabels(labels).Value);
            rejected += count;
            lines.Measurement("cityops_rejected").Tag("node", node).Tag("reason", labels[0]).Field("count", count).End(now);
        }

        lines.Measurement("cityops").Tag("node", node)
            .Field("readings_in", Count(IngestMetrics.ReadingsAccepted.Value))
            .Field("readings_evaluated", Count(CityOpsMetrics.ReadingsEvaluated.Value))
            .Field("rejected", rejected)
            .Field("points_written", Count(InfluxMetrics.PointsWritten.Value))
            .Field("points_dropped", Count(InfluxMetrics.PointsDropped.Value))
            .Field("influx_pending", Count(InfluxMetrics.Pending.Value))
            .Field("influx_spilled", Count(InfluxMetrics.Spilled.Value))
            .Field("channel_depth", Count(IngestMetrics.ChannelDepth.Value))
            .Field("cases_raised", Count(CityOpsMetrics.CasesRaised.Value))
            .Field("webhook_pending", Count(CityOpsMetrics.WebhookPending.Value))
            .Field("memory_mb", Math.Round(Process.GetCurrentProcess().WorkingSet64 / (1024.0 * 1024), 1))
            .End(now);
    }

    private async Task AppendOpenCasesAsync(LineBuilder lines, long now)
    {
        var counts = (await cases.OpenAsync())
            .GroupBy(c => (c.Unit, c.Code))
            .ToDictionary(g => g.Key, g => (Open: g.Count(), Overdue: g.Count(c => c.Overdue)));
        _seen.UnionWith(counts.Keys);
        foreach (var key in _seen)
        {
            var (open, overdue) = counts.GetValueOrDefault(key);
            lines.Measurement("cases_open").Tag("code", key.Code).Tag("unit", key.Unit)
                .Field("open", (long)open)
                .Field("overdue", (long)overdue)
                .End(now);
        }
    }
}
