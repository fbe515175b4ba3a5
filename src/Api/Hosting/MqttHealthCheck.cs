using CityOps.Ingest;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CityOps.Api.Hosting;

/// <summary>Ready only while readings can arrive: the ingest client is connected, or the embedded broker listens.</summary>
public sealed class MqttHealthCheck(IMqttEdge edge) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(edge.IsConnected ? HealthCheckResult.Healthy(edge.Status) : HealthCheckResult.Unhealthy(edge.Status));
}
