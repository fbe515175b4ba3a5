using System.Data;
using System.Data.Common;
using System.Globalization;
using CityOps.Grains.Dispatch;
using static CityOps.Grains.Storage.StoreDatabase;

namespace CityOps.Grains.Storage;

/// <summary>
/// A durable event log and its webhook outbox (<c>case_events</c>/<c>webhook_outbox</c>, <c>alarm_events</c>/<c>alarm_outbox</c>):
/// events appended in the transaction of the change they announce, numbered in commit order (SSE ids, never going
/// backwards after pruning), and delivered from the outbox. The table names are the stores' constants, never input.
/// </summary>
public sealed class DbEventLog(StoreDatabase db, string events, string outbox, string subject, bool outboxEnabled) : IWebhookOutbox
{
    /// <summary>The case events and the case webhook's outbox.</summary>
    public static DbEventLog Cases(StoreDatabase db, DispatchOptions dispatch) =>
        new(db, "case_events", "webhook_outbox", "case_id", dispatch?.Enabled ?? throw new ArgumentNullException(nameof(dispatch)));

    /// <summary>The alarm (and incident) events and the alarm webhook's outbox.</summary>
    public static DbEventLog Alarms(StoreDatabase db, DispatchOptions dispatch) =>
        new(db, "alarm_events", "alarm_outbox", "alarm_id", dispatch?.Enabled ?? throw new ArgumentNullException(nameof(dispatch)));

    /// <summary>Appends an event inside the caller's transaction; <paramref name="body"/> gets the event's key and sequence.</summary>
    public async Task<StoredCaseEvent> AppendAsync(
        DbConnection connection, DbTransaction transaction, string subjectId, string eventName, DateTimeOffset at, Func<string, long, string> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var key = Guid.NewGuid().ToString("N");
        if (db.Dialect.EventNumberingLock is { } numberingLock)
        {
            await using var lockCommand = Command(connection, numberingLock, transaction);
            await lockCommand.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        long seq;
        await using (var next = Command(connection, $"SELECT COALESCE(MAX(seq), 0) + 1 FROM {events}", transaction))
        {
            seq = Convert.ToInt64(await next.ExecuteScalarAsync().ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        var text = body(key, seq);
        await using (var insert = Command(connection,
            $"INSERT INTO {events} (seq, event_key, {subject}, event, at, body) VALUES (@seq, @key, @subject, @event, @at, @body)",
            transaction, ("seq", seq), ("key", key), ("subject", subjectId), ("event", eventName), ("at", at.ToUnixTimeMilliseconds()), ("body", text)))
        {
            await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        if (outboxEnabled)
        {
            await using var pending = Command(connection,
                $"INSERT INTO {outbox} (seq, {subject}, state, attempts, next_at) VALUES (@seq, @subject, 'pending', 0, 0)",
                transaction, ("seq", seq), ("subject", subjectId));
            await pending.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return new StoredCaseEvent(seq, key, subjectId, eventName, at, text);
    }

    public Task<IReadOnlyList<StoredCaseEvent>> EventsAfterAsync(long sequence, int limit) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection,
            $"SELECT seq, event_key, {subject}, event, at, body FROM {events} WHERE seq > @seq ORDER BY seq LIMIT @limit",
            null, ("seq", sequence), ("limit", limit));
        return (IReadOnlyList<StoredCaseEvent>)await ListAsync(command, ReadEvent).ConfigureAwait(false);
    });

    public Task<long> LastSequenceAsync() => db.ReadNumberAsync($"SELECT COALESCE(MAX(seq), 0) FROM {events}");

    public Task<int> PruneEventsAsync(DateTimeOffset before) => db.WriteAsync(async (connection, transaction) =>
    {
        // The newest event stays whatever its age: the next number is MAX(seq) + 1, so without it numbering would
        // restart and an SSE client resuming with Last-Event-ID would wait past every new event.
        await using var prune = Command(connection, $"""
            DELETE FROM {events} WHERE at < @before
              AND seq NOT IN (SELECT seq FROM {outbox} WHERE state = 'pending')
              AND seq < (SELECT MAX(seq) FROM {events})
            """, transaction, ("before", before.ToUnixTimeMilliseconds()));
        var pruned = await prune.ExecuteNonQueryAsync().ConfigureAwait(false);
        await using var orphans = Command(connection,
            $"DELETE FROM {outbox} WHERE state <> 'pending' AND seq NOT IN (SELECT seq FROM {events})", transaction);
        await orphans.ExecuteNonQueryAsync().ConfigureAwait(false);
        return pruned;
    });

    public Task<IReadOnlyList<OutboxEntry>> PendingAsync(int limit) => db.ReadAsync(async connection =>
    {
        await using var command = Command(connection, $"""
            SELECT e.seq, e.event_key, e.{subject}, e.event, e.at, e.body, o.attempts, o.next_at
            FROM {outbox} o JOIN {events} e ON e.seq = o.seq
            WHERE o.state = 'pending' ORDER BY o.seq LIMIT @limit
            """, null, ("limit", limit));
        return (IReadOnlyList<OutboxEntry>)await ListAsync(command, r =>
            new OutboxEntry(ReadEvent(r), r.GetInt32(6), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)))).ConfigureAwait(false);
    });

    public async Task<int> PendingCountAsync() =>
        (int)await db.ReadNumberAsync($"SELECT COUNT(*) FROM {outbox} WHERE state = 'pending'").ConfigureAwait(false);

    public Task DeliveredAsync(long sequence) => SetOutboxAsync(sequence, "delivered", null, null, null);

    public Task RetryLaterAsync(long sequence, int attempts, DateTimeOffset nextAttemptAt, string error) =>
        SetOutboxAsync(sequence, "pending", attempts, nextAttemptAt, error);

    public Task ParkAsync(long sequence, int attempts, string error) => SetOutboxAsync(sequence, "parked", attempts, null, error);

    private Task SetOutboxAsync(long sequence, string state, int? attempts, DateTimeOffset? nextAt, string? error) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, $"""
                UPDATE {outbox} SET state = @state, attempts = COALESCE(@attempts, attempts),
                  next_at = COALESCE(@next, next_at), last_error = COALESCE(@error, last_error)
                WHERE seq = @seq
                """, transaction, ("seq", sequence), ("state", state));
            Add(command, "attempts", attempts, DbType.Int32);
            Add(command, "next", nextAt?.ToUnixTimeMilliseconds(), DbType.Int64);
            Add(command, "error", error, DbType.String);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        });

    private static StoredCaseEvent ReadEvent(DbDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetString(5));
}
