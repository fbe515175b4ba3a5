using CityOps.Ingest;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CityOps.Api.Hosting;

/// <summary>Ready only while the ingest client is connected to its broker.</summary>
public sealed class MqttHealthCheck(MqttIngestService ingest) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(ingest.IsConnected
            ? HealthCheckResult.Healthy("MQTT connected")
            : HealthCheckResult.Unhealthy("MQTT not connected; readings are waiting at the broker"));
}
