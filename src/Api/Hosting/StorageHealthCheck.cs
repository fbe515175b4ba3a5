using CityOps.Grains.Storage;
using CityOps.Grains.Storage.Postgres;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CityOps.Api.Hosting;

/// <summary>Ready only while the store (the node's SQLite, or the cluster's PostgreSQL) answers and its last write succeeded.</summary>
public sealed class StorageHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            string? failure;
            string where;
            if (services.GetService<PostgresDatabase>() is { } postgres)
            {
                postgres.Read(c =>
                {
                    using var command = PostgresDatabase.Command(c, "SELECT 1");
                    return command.ExecuteScalar();
                });
                (failure, where) = (postgres.WriteFailure, postgres.Description);
            }
            else
            {
                var db = services.GetRequiredService<SqliteDatabase>();
                db.Read(c =>
                {
                    using var command = c.CreateCommand();
                    command.CommandText = "SELECT 1";
                    return command.ExecuteScalar();
                });
                (failure, where) = (db.WriteFailure, db.Path);
            }

            return Task.FromResult(failure is not null
                ? HealthCheckResult.Unhealthy("store cannot be written, readings wait at the broker: " + failure)
                : HealthCheckResult.Healthy("store at " + where));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("store unavailable: " + ex.Message));
        }
    }
}
