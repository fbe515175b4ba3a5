using CityOps.Grains.Storage;
using CityOps.Tests.Infrastructure;
using Npgsql;

namespace CityOps.Tests.Integration.Stores;

/// <summary>
/// The two databases every store runs on: a fresh SQLite file, or a fresh database on one real PostgreSQL server
/// started for the store tests. Each call gives an empty database, so tests never see each other's rows.
/// </summary>
public sealed class StoreBackends : IAsyncLifetime
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    private readonly TempFolder _folder = new("stores");
    private readonly List<StoreDatabase> _opened = [];
    private PostgresServer _server = null!;

    public async Task InitializeAsync()
    {
        // The Orleans scripts' timestamp columns need it, as in the product (GrainsHostingExtensions).
        AppContext.SetSwitch("Npgsql.EnableLegacyTimestampBehavior", true);
        _server = await PostgresServer.StartAsync();
    }

    /// <summary>
    /// An empty database of <paramref name="backend"/> with the schema applied; with <paramref name="earlier"/>, one
    /// written by an earlier version: that SQL (in the schema script's placeholders) runs first.
    /// </summary>
    public async Task<StoreDatabase> OpenAsync(string backend, string? earlier = null)
    {
        var name = "t" + Guid.NewGuid().ToString("N");
        StoreDatabase db;
        if (backend == Sqlite)
        {
            db = StoreDatabase.Sqlite(_folder.Combine(name + ".db"));
        }
        else
        {
            await using (var admin = new NpgsqlConnection(_server.ConnectionString))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
                await create.ExecuteNonQueryAsync();
            }

            db = StoreDatabase.Postgres(new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = name }.ConnectionString);
        }

        _opened.Add(db);
        if (earlier is not null)
        {
            await using var connection = await db.DataSource.OpenConnectionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = db.Dialect.Spelling.Fill(earlier);
            await command.ExecuteNonQueryAsync();
        }

        await db.EnsureSchemaAsync();
        return db;
    }

    public async Task DisposeAsync()
    {
        foreach (var db in _opened)
        {
            db.Dispose();
        }

        NpgsqlConnection.ClearAllPools();
        await _server.DisposeAsync();
        _folder.Dispose();
    }
}
