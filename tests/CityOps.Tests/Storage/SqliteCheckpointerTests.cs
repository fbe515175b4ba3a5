using CityOps.Grains.Storage;
using CityOps.Grains.Storage.Sqlite;
using CityOps.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace CityOps.Tests.Storage;

/// <summary>Commits never checkpoint the write-ahead log (they would sync the file while the single writer waits); the checkpointer does.</summary>
public sealed class SqliteCheckpointerTests
{
    [Fact]
    public async Task Commits_leave_the_log_to_the_checkpointer_which_moves_all_of_it_into_the_database()
    {
        using var folder = new TempFolder("sqlite-checkpoint");
        using var db = StoreDatabase.Sqlite(folder.Combine("cityops.db"));
        var checkpointer = new SqliteCheckpointer(db, TimeProvider.System, NullLogger<SqliteCheckpointer>.Instance);
        await checkpointer.CheckpointAsync();

        // 3,000 pages of log, three times SQLite's automatic checkpoint (1,000 pages): no commit checkpointed them.
        var page = new string('x', 3_500);
        for (var i = 0; i < 3_000; i++)
        {
            await db.WriteAsync(async (connection, transaction) =>
            {
                await using var command = StoreDatabase.Command(connection, "INSERT INTO audit_log (at, actor, method, path, status) VALUES (@at, 'test', 'GET', @path, 200)", transaction,
                    ("@at", i), ("@path", page));
                await command.ExecuteNonQueryAsync();
            });
        }

        var (frames, checkpointed) = await checkpointer.CheckpointAsync();
        Assert.True(frames >= 3_000, $"{frames} frames in the log: a commit checkpointed it");
        Assert.Equal(frames, checkpointed);
        Assert.Equal(3_000, await db.ReadNumberAsync("SELECT COUNT(*) FROM audit_log"));
    }
}
