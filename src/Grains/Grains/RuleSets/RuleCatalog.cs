using System.Text.Json;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using CityOps.Rules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.Grains.RuleSets;

/// <summary>
/// The rule set in force on this node. Loads the rule folder at start and whenever a file in it
/// changes; a file with errors is refused and the running version stays in force. Every accepted
/// version is stored, so a restart resumes with the same version numbers.
/// </summary>
public sealed partial class RuleCatalog : IDisposable
{
    private readonly SqliteDatabase _db;
    private readonly TimeProvider _time;
    private readonly ILogger<RuleCatalog> _logger;
    private readonly string _folder;
    private readonly FileSystemWatcher? _watcher;
    private readonly Lock _reloadLock = new();
    private readonly IZoneLookup _zones;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, IReadOnlyDictionary<string, string>> _definitions = new();
    private Timer? _debounce;
    private volatile RuleSet _current = RuleSet.Empty;

    public RuleCatalog(SqliteDatabase db, IOptions<RulesOptions> options, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time, ILogger<RuleCatalog> logger, ZoneMap zones)
    {
        _zones = zones;
        _db = db;
        _time = time;
        _logger = logger;
        _folder = options.Value.ResolvePath();
        _db.WriteAsync((c, t) => SqliteGrainStorage.Execute(c, t, """
            CREATE TABLE IF NOT EXISTS rule_versions (
              version    INTEGER PRIMARY KEY,
              created_at INTEGER NOT NULL,
              author     TEXT NOT NULL,
              sources    TEXT NOT NULL
            );
            """)).GetAwaiter().GetResult();
        AddNoteColumn();

        if (LatestStored() is { } latest)
        {
            var parsed = RuleParser.Parse(latest.Sources);
            if (parsed.RuleSet is not null)
            {
                _current = parsed.RuleSet.WithVersion(latest.Version, latest.CreatedAt, latest.Author);
            }
        }

        if (Directory.Exists(_folder))
        {
            ReloadFolder();
            _watcher = new FileSystemWatcher(_folder, "*.yaml") { IncludeSubdirectories = false, EnableRaisingEvents = true };
            _watcher.Changed += (_, _) => ScheduleReload();
            _watcher.Created += (_, _) => ScheduleReload();
            _watcher.Deleted += (_, _) => ScheduleReload();
            _watcher.Renamed += (_, _) => ScheduleReload();
        }
        else
        {
            LogNoRuleFolder(_logger, _folder);
        }
    }

    public RuleSet Current => _current;

    /// <summary>Fires after a new version is in force.</summary>
    public event Action<RuleSet>? Changed;

    /// <summary>Reads the folder and, when it is valid and differs from the version in force, makes it the new version.</summary>
    public IReadOnlyList<RuleError> ReloadFolder()
    {
        Dictionary<string, string> files;
        try
        {
            files = Directory.EnumerateFiles(_folder, "*.yaml")
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        }
        catch (IOException ex)
        {
            LogFolderUnreadable(_logger, _folder, ex.Message);
            return [];
        }

        return Apply(files, "file");
    }

    /// <summary>Validates and puts a rule set in force; returns the errors (nothing changes when there are any).</summary>
    /// <param name="options">Extra checks; <see cref="RuleParseOptions.Zones"/> makes unknown zones errors (the API does).</param>
    /// <param name="note">Kept with the version, e.g. that it restores an earlier one.</param>
    public IReadOnlyList<RuleError> Apply(IReadOnlyDictionary<string, string> files, string author, RuleParseOptions? options = null, string? note = null)
    {
        lock (_reloadLock)
        {
            var parsed = RuleParser.Parse(files, options ?? RuleParseOptions.Default);
            if (!parsed.Success || parsed.RuleSet is null)
            {
                foreach (var error in parsed.Errors)
                {
                    LogRefused(_logger, error.ToString());
                }

                return parsed.Errors;
            }

            foreach (var rule in parsed.RuleSet.Rules)
            {
                if (rule.ZoneId is { } zone && !_zones.HasZone(zone))
                {
                    LogUnknownZone(_logger, rule.Id, zone);
                }
            }

            if (SameSources(_current.Sources, files))
            {
                return [];
            }

            var version = (LatestStored()?.Version ?? 0) + 1;
            var now = _time.GetUtcNow();
            var next = parsed.RuleSet.WithVersion(version, now, author);
            _db.WriteAsync((connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO rule_versions (version, created_at, author, sources, note) VALUES ($v, $at, $author, $sources, $note)";
                command.Parameters.AddWithValue("$note", (object?)note ?? DBNull.Value);
                command.Parameters.AddWithValue("$v", version);
                command.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$author", author);
                command.Parameters.AddWithValue("$sources", JsonSerializer.Serialize(files));
                command.ExecuteNonQuery();
            }).GetAwaiter().GetResult();

            _current = next;
            LogVersion(_logger, version, next.Rules.Length, author);
            Changed?.Invoke(next);
            return [];
        }
    }

    /// <summary>
    /// Puts an earlier version's files back in force as a new version (history is never rewritten). Null when there is
    /// no such version; the errors when it no longer passes today's checks. The rule folder is not rewritten: the next
    /// edit of a file there makes the folder the rule set again.
    /// </summary>
    public IReadOnlyList<RuleError>? Restore(int version, string author)
    {
        var stored = Versions().FirstOrDefault(v => v.Version == version);
        return stored is null ? null : Apply(stored.Sources, author, note: $"restores version {version}");
    }

    /// <summary>What changed from each version's predecessor, by rule id: added, removed, changed (meaning, not layout).</summary>
    public RuleSetDiff DiffOf(RuleVersion version, RuleVersion? previous) =>
        RuleSetDiff.Between(Definitions(previous), Definitions(version));

    public IReadOnlyList<RuleVersion> Versions() => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, created_at, author, sources, note FROM rule_versions ORDER BY version";
        using var reader = command.ExecuteReader();
        var versions = new List<RuleVersion>();
        while (reader.Read())
        {
            versions.Add(ReadVersion(reader));
        }

        return (IReadOnlyList<RuleVersion>)versions;
    });

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }

    private RuleVersion? LatestStored() => _db.Read(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, created_at, author, sources, note FROM rule_versions ORDER BY version DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadVersion(reader) : null;
    });

    private static RuleVersion ReadVersion(Microsoft.Data.Sqlite.SqliteDataReader reader) => new(
        reader.GetInt32(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        reader.GetString(2),
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3)) ?? [],
        reader.IsDBNull(4) ? null : reader.GetString(4));

    private IReadOnlyDictionary<string, string> Definitions(RuleVersion? version)
    {
        if (version is null)
        {
            return new Dictionary<string, string>();
        }

        return _definitions.GetOrAdd(version.Version, _ =>
            RuleParser.Parse(version.Sources).RuleSet?.Rules.ToDictionary(r => r.Id, r => r.Definition, StringComparer.Ordinal)
            ?? new Dictionary<string, string>());
    }

    // Databases from before version notes lack the column; SQLite has no ADD COLUMN IF NOT EXISTS.
    private void AddNoteColumn()
    {
        var hasNote = _db.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('rule_versions') WHERE name = 'note'";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        });
        if (!hasNote)
        {
            _db.WriteAsync((c, t) => SqliteGrainStorage.Execute(c, t, "ALTER TABLE rule_versions ADD COLUMN note TEXT;")).GetAwaiter().GetResult();
        }
    }

    private static bool SameSources(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var text) && text == kv.Value);

    // Editors write a file in several steps; wait for them to settle before reading.
    private void ScheduleReload()
    {
        _debounce?.Dispose();
        _debounce = new Timer(_ => ReloadFolder(), null, TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule set version {Version} in force: {Count} rules (by {Author})")]
    private static partial void LogVersion(ILogger logger, int version, int count, string author);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule file refused, the running version stays in force: {Error}")]
    private static partial void LogRefused(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule {RuleId} names zone {Zone}, which is not among the zones in force; it is not judged until the zone exists")]
    private static partial void LogUnknownZone(ILogger logger, string ruleId, string zone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule folder {Folder} does not exist; no rules are evaluated until it does or rules are stored")]
    private static partial void LogNoRuleFolder(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule folder {Folder} cannot be read: {Reason}")]
    private static partial void LogFolderUnreadable(ILogger logger, string folder, string reason);
}
