using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using CityOps.Rules;

namespace CityOps.Grains.RuleSets;

/// <summary>
/// The rule set in force on this node. <see cref="LoadAsync"/> (before the silo starts, <see cref="Hosting.StoreStartup"/>)
/// puts the stored version in force and loads the rule folder, then again whenever a file in it changes; a file with
/// errors is refused and the running version stays in force. Every accepted version is stored, so a restart resumes
/// with the same version numbers and the same rules: a version put in force through the API stays until the folder is
/// edited. In a cluster the history is shared (<see cref="IRuleVersionStore.IsShared"/>):
/// <see cref="RefreshAsync"/> (polled every second) puts another node's newer version in force here too.
/// </summary>
public sealed partial class RuleCatalog : IDisposable
{
    private readonly IRuleVersionStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<RuleCatalog> _logger;
    private readonly string _folder;
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private readonly ZoneMap _zones;
    private readonly RuleParseOptions _parse;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, IReadOnlyDictionary<string, string>> _definitions = new();
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private volatile RuleSet _current = RuleSet.Empty;

    /// <param name="city">The city's time zone: the zone of schedules that name none.</param>
    public RuleCatalog(
        IRuleVersionStore store, IOptions<RulesOptions> options, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time, ILogger<RuleCatalog> logger, ZoneMap zones, KindCatalog kinds,
        IOptions<CityOptions>? city = null)
    {
        _parse = new RuleParseOptions { Kinds = kinds, TimeZone = city?.Value.Zone() ?? TimeZoneInfo.Local };
        _zones = zones;
        _store = store;
        _time = time;
        _logger = logger;
        _folder = options.Value.ResolvePath();
    }

    public RuleSet Current => _current;

    /// <summary>The zone of schedules that name none (the city's).</summary>
    public TimeZoneInfo TimeZone => _parse.TimeZone;

    /// <summary>Fires after a new version is in force.</summary>
    public event Action<RuleSet>? Changed;

    /// <summary>Puts the latest stored version in force, then the rule folder when it differs, and starts watching the folder.</summary>
    public async Task LoadAsync()
    {
        if (await _store.LatestAsync().ConfigureAwait(false) is { } latest)
        {
            var parsed = RuleParser.Parse(latest.Sources, _parse);
            if (parsed.RuleSet is not null)
            {
                _current = parsed.RuleSet.WithVersion(latest.Version, latest.CreatedAt, latest.Author);
            }
        }

        if (Directory.Exists(_folder))
        {
            // A restart, or a node joining a cluster, does not undo rules put in force through the API: the folder
            // counts only when it differs from what a folder last made a version (it was edited meanwhile).
            if (!SameSources(await LastFromFolderAsync().ConfigureAwait(false), ReadFolderFiles() ?? []))
            {
                await ReloadFolderAsync().ConfigureAwait(false);
            }

            _watcher ??= Watch();
        }
        else
        {
            LogNoRuleFolder(_logger, _folder);
        }
    }

    /// <summary>Reads the folder and, when it is valid and differs from the version in force, makes it the new version.</summary>
    public async Task<IReadOnlyList<RuleError>> ReloadFolderAsync() =>
        ReadFolderFiles() is { } files ? await ApplyAsync(files, "file").ConfigureAwait(false) : [];

    /// <summary>Puts a newer version stored by another node in force here; true when it did.</summary>
    public async Task<bool> RefreshAsync()
    {
        var latest = await _store.LatestAsync().ConfigureAwait(false);
        if (latest is null || latest.Version <= _current.Version)
        {
            return false;
        }

        await _reloadLock.WaitAsync().ConfigureAwait(false);
        try
        {
            return PutInForce(latest);
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    private bool PutInForce(RuleVersion latest)
    {
        if (latest.Version <= _current.Version)
        {
            return false;
        }

        var parsed = RuleParser.Parse(latest.Sources, _parse);
        if (parsed.RuleSet is null)
        {
            return false;
        }

        var next = parsed.RuleSet.WithVersion(latest.Version, latest.CreatedAt, latest.Author);
        _current = next;
        LogVersion(_logger, latest.Version, next.Rules.Length, latest.Author);
        Changed?.Invoke(next);
        return true;
    }

    private FileSystemWatcher Watch()
    {
        var watcher = new FileSystemWatcher(_folder, "*.yaml") { IncludeSubdirectories = false, EnableRaisingEvents = true };
        watcher.Changed += (_, _) => ScheduleReload();
        watcher.Created += (_, _) => ScheduleReload();
        watcher.Deleted += (_, _) => ScheduleReload();
        watcher.Renamed += (_, _) => ScheduleReload();
        return watcher;
    }

    private Dictionary<string, string>? ReadFolderFiles()
    {
        try
        {
            return RuleFolder.RuleFiles(_folder);
        }
        catch (IOException ex)
        {
            LogFolderUnreadable(_logger, _folder, ex.Message);
            return null;
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> LastFromFolderAsync() =>
        (await _store.AllAsync().ConfigureAwait(false)).LastOrDefault(v => v.Author == "file")?.Sources ?? new Dictionary<string, string>();

    /// <summary>Validates and puts a rule set in force; returns the errors (nothing changes when there are any).</summary>
    /// <param name="options">Extra checks; <see cref="RuleParseOptions.Zones"/> makes unknown zones errors (the API does).</param>
    /// <param name="note">Kept with the version, e.g. that it restores an earlier one.</param>
    public async Task<IReadOnlyList<RuleError>> ApplyAsync(IReadOnlyDictionary<string, string> files, string author, RuleParseOptions? options = null, string? note = null)
    {
        await _reloadLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var parsed = RuleParser.Parse(files, (options ?? _parse) with { Kinds = _parse.Kinds, TimeZone = _parse.TimeZone });
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

            // Nodes of a cluster loading the same folder together make one version, not one each.
            if (_store.IsShared && await _store.LatestAsync().ConfigureAwait(false) is { } stored && SameSources(stored.Sources, files))
            {
                PutInForce(stored);
                return [];
            }

            // Another node may take the next number first: then ours goes on top of its version.
            var now = _time.GetUtcNow();
            var version = ((await _store.LatestAsync().ConfigureAwait(false))?.Version ?? 0) + 1;
            while (!await _store.TryAddAsync(new RuleVersion(version, now, author, new Dictionary<string, string>(files), note)).ConfigureAwait(false))
            {
                version = ((await _store.LatestAsync().ConfigureAwait(false))?.Version ?? version) + 1;
            }

            var next = parsed.RuleSet.WithVersion(version, now, author);

            _current = next;
            LogVersion(_logger, version, next.Rules.Length, author);
            Changed?.Invoke(next);
            return [];
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    /// <summary>
    /// Puts an earlier version's files back in force as a new version (history is never rewritten). Null when there is
    /// no such version; the errors when it no longer passes today's checks. The rule folder is not rewritten: the next
    /// edit of a file there makes the folder the rule set again.
    /// </summary>
    public async Task<IReadOnlyList<RuleError>?> RestoreAsync(int version, string author)
    {
        var stored = (await VersionsAsync().ConfigureAwait(false)).FirstOrDefault(v => v.Version == version);
        return stored is null ? null : await ApplyAsync(stored.Sources, author, note: $"restores version {version}").ConfigureAwait(false);
    }

    /// <summary>What changed from each version's predecessor, by rule id: added, removed, changed (meaning, not layout).</summary>
    public RuleSetDiff DiffOf(RuleVersion version, RuleVersion? previous) =>
        RuleSetDiff.Between(Definitions(previous), Definitions(version));

    public Task<IReadOnlyList<RuleVersion>> VersionsAsync() => _store.AllAsync();

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _reloadLock.Dispose();
    }

    private IReadOnlyDictionary<string, string> Definitions(RuleVersion? version)
    {
        if (version is null)
        {
            return new Dictionary<string, string>();
        }

        return _definitions.GetOrAdd(version.Version, _ =>
            RuleParser.Parse(version.Sources, _parse).RuleSet?.Rules.ToDictionary(r => r.Id, r => r.Definition, StringComparer.Ordinal)
            ?? new Dictionary<string, string>());
    }

    private static bool SameSources(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var text) && text == kv.Value);

    // Editors write a file in several steps; wait for them to settle before reading.
    private void ScheduleReload()
    {
        _debounce?.Dispose();
        _debounce = new Timer(_ => _ = ReloadInBackgroundAsync(), null, TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
    }

    // A store that cannot be written now leaves the running version in force; the next edit tries again.
    private async Task ReloadInBackgroundAsync()
    {
        try
        {
            await ReloadFolderAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageUnavailableException.Caused(ex))
        {
            LogFolderUnreadable(_logger, _folder, ex.Message);
        }
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
