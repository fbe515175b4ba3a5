using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CityOps.Api.Hosting;

/// <summary>Ready only while the store (the node's SQLite, or the cluster's PostgreSQL) answers and its last write succeeded.</summary>
public sealed class StorageHealthCheck(StoreDatabase db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await db.ReadNumberAsync("SELECT 1");

            return db.WriteFailure is { } failure
                ? HealthCheckResult.Unhealthy("store cannot be written, readings wait at the broker: " + failure)
                : HealthCheckResult.Healthy("store at " + db.Description);
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("store unavailable: " + ex.Message);
        }
    }
}
