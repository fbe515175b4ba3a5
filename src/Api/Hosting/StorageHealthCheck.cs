using CityOps.Grains.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CityOps.Api.Hosting;

/// <summary>Ready only while the local store answers and its last write succeeded.</summary>
public sealed class StorageHealthCheck(SqliteDatabase db) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            db.Read(c =>
            {
                using var command = c.CreateCommand();
                command.CommandText = "SELECT 1";
                return command.ExecuteScalar();
            });
            return Task.FromResult(db.WriteFailure is { } failure
                ? HealthCheckResult.Unhealthy("store cannot be written, readings wait at the broker: " + failure)
                : HealthCheckResult.Healthy("store at " + db.Path));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("store unavailable: " + ex.Message));
        }
    }
}
