using CityOps.Grains.Storage;
using CityOps.Grains.Storage.Postgres;
using CityOps.Grains.Storage.Sqlite;

namespace CityOps.Tests.Storage;

/// <summary>The one schema script reaches each database with every placeholder spelled, and only those.</summary>
public sealed class SchemaSpellingTests
{
    [Fact]
    public void Each_dialect_spells_every_placeholder_of_the_script()
    {
        var sqlite = new SqliteDialect().Spelling.CityOpsSchema();
        var postgres = new PostgresDialect().Spelling.CityOpsSchema();

        Assert.DoesNotContain("{", sqlite, StringComparison.Ordinal);
        Assert.DoesNotContain("{", postgres, StringComparison.Ordinal);
        Assert.Contains("seq        INTEGER PRIMARY KEY AUTOINCREMENT,", sqlite, StringComparison.Ordinal);
        Assert.Contains("seq        BIGINT PRIMARY KEY,", postgres, StringComparison.Ordinal);
        Assert.Contains(") WITHOUT ROWID;", sqlite, StringComparison.Ordinal);
        Assert.Contains("PRIMARY KEY (grain_id, state_name)\n);", postgres, StringComparison.Ordinal);
        Assert.Contains("CREATE INDEX IF NOT EXISTS case_events_at ON case_events (at);", sqlite, StringComparison.Ordinal);
    }

    [Fact]
    public void A_placeholder_no_dialect_spells_is_refused_by_name()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new SqliteDialect().Spelling.Fill("CREATE TABLE t (x {uuid});"));
        Assert.Contains("{uuid}", error.Message, StringComparison.Ordinal);
    }
}
