namespace CityOps.Grains.Routing;

/// <summary>
/// The routing table in force. Loaded at start and whenever the file changes; a file with errors is
/// refused (logged with line and field) and the running table stays in force, as with rules.
/// </summary>
public sealed partial class RoutingCatalog : IDisposable
{
    private readonly ILogger<RoutingCatalog> _logger;
    private readonly FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private readonly TimeZoneInfo _zone;
    private volatile RoutingTable _current;

    /// <param name="city">The city's time zone: the calendar's unless the file names one.</param>
    public RoutingCatalog(IOptions<RoutingOptions> options, ILogger<RoutingCatalog> logger, IOptions<CityOptions>? city = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        _zone = city?.Value.Zone() ?? TimeZoneInfo.Local;
        _current = new RoutingTable(WorkCalendar.Default.In(_zone), []);
        FilePath = options.Value.ResolvePath();
        Reload();
        var folder = Path.GetDirectoryName(FilePath);
        if (folder is not null && Directory.Exists(folder))
        {
            _watcher = new FileSystemWatcher(folder, Path.GetFileName(FilePath)) { EnableRaisingEvents = true };
            _watcher.Changed += (_, _) => ScheduleReload();
            _watcher.Created += (_, _) => ScheduleReload();
            _watcher.Renamed += (_, _) => ScheduleReload();
        }
    }

    public string FilePath { get; }

    public RoutingTable Current => _current;

    /// <summary>Reads the file; returns its errors (nothing changes when there are any).</summary>
    public IReadOnlyList<string> Reload()
    {
        if (!File.Exists(FilePath))
        {
            LogNoFile(_logger, FilePath);
            return [];
        }

        string text;
        try
        {
            text = File.ReadAllText(FilePath);
        }
        catch (IOException ex)
        {
            LogRefused(_logger, ex.Message);
            return [ex.Message];
        }

        var table = RoutingParser.Parse(text, Path.GetFileName(FilePath), out var errors, _zone);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                LogRefused(_logger, error);
            }

            return errors;
        }

        _current = table;
        LogLoaded(_logger, FilePath, table.Routes.Count);
        return [];
    }

    /// <summary>Puts a table in force directly (tests, and hosts that route from elsewhere).</summary>
    public void Use(RoutingTable table) => _current = table;

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }

    private void ScheduleReload()
    {
        _debounce?.Dispose();
        _debounce = new Timer(_ => Reload(), null, TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Routing from {Path}: {Count} routes in force")]
    private static partial void LogLoaded(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "No routing file at {Path}: cases go to their grid's unit with the code table's deadlines")]
    private static partial void LogNoFile(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Routing file refused, the running routing stays in force: {Error}")]
    private static partial void LogRefused(ILogger logger, string error);
}
