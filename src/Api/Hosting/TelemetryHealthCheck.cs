using CityOps.Ingest.Influx;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CityOps.Api.Hosting;

/// <summary>
/// InfluxDB away is degraded, not unready: readings are still judged and kept in the spill folder.
/// A spill folder that cannot be written is unready: nothing more can be acknowledged.
/// </summary>
public sealed class TelemetryHealthCheck(ITelemetryWriter telemetry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(telemetry switch
        {
            InfluxWriter { Status: TelemetryStatus.SpillFailing } =>
                HealthCheckResult.Unhealthy("InfluxDB unavailable and the spill folder cannot be written; readings wait at the broker"),
            InfluxWriter { Status: TelemetryStatus.Spilling } writer =>
                HealthCheckResult.Degraded($"InfluxDB unavailable; {writer.SpilledLines} points kept in the spill folder"),
            InfluxWriter writer => HealthCheckResult.Healthy($"InfluxDB: {writer.PendingLines} points pending"),
            _ => HealthCheckResult.Healthy("telemetry storage not configured"),
        });
}
