using CityOps.Grains.Storage;
using Npgsql;

namespace CityOps.Tests.Storage;

/// <summary>A node's pool to the cluster's PostgreSQL is bounded, so a few nodes cannot exhaust the server's connections.</summary>
public sealed class PostgresPoolTests
{
    [Fact]
    public void Without_a_pool_size_in_the_connection_string_a_node_opens_at_most_the_default()
    {
        using var db = StoreDatabase.Postgres("Host=127.0.0.1;Port=5432;Username=cityops;Database=cityops");
        Assert.Equal(StoreDatabase.DefaultMaxPoolSize, new NpgsqlConnectionStringBuilder(db.DataSource.ConnectionString).MaxPoolSize);
    }

    [Theory]
    [InlineData("Maximum Pool Size=60")]
    [InlineData("MaxPoolSize=60")]
    public void A_pool_size_in_the_connection_string_is_kept(string setting)
    {
        using var db = StoreDatabase.Postgres($"Host=127.0.0.1;Username=cityops;Database=cityops;{setting}");
        Assert.Equal(60, new NpgsqlConnectionStringBuilder(db.DataSource.ConnectionString).MaxPoolSize);
    }
}
