using System.Globalization;
using System.Text.Json;
using CityOps.Grains.RuleSets;
using CityOps.Grains.Silences;
using CityOps.Grains.Zones;
using CityOps.Rules;
using CityOps.Rules.Backtesting;
using CityOps.Rules.Replay;
using CityOps.Ingest.Influx;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>POST /api/v1/rules/backtest</c>: the cases a rule set would have raised from the telemetry stored in InfluxDB, or uploaded (CSV or line
/// protocol), replayed through the same compiled evaluator as live ingestion. A JSON body (<see cref="BacktestRequest"/>) or form
/// fields (multipart/form-data or urlencoded) of the same names: <c>data</c> (file or text; without it, InfluxDB with from and to),
/// <c>rules</c> (YAML file or text; default the rules in force),
/// <c>format</c> (<c>csv</c> | <c>lp</c>; default by file name or content), <c>from</c>, <c>to</c> (RFC 3339),
/// <c>device</c> (ids, comma-separated), <c>kind</c>; the last four may also come in the query string.
/// </summary>
public static partial class RuleBacktest
{
    private const int ProfilePage = 5000;
    private const int MaxStoredReadings = 5_000_000;

    /// <summary>The longest range replayed from InfluxDB in one request (a year and a day, for a year-on-year look).</summary>
    public static readonly TimeSpan MaxStoredRange = TimeSpan.FromDays(366);

    // InfluxDB stores int64 nanoseconds since 1970: 1677-09-21 to 2262-04-11; a day's margin each side.
    private static readonly DateTimeOffset EarliestStorable = new(1677, 9, 22, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestStorable = new(2262, 4, 10, 0, 0, 0, TimeSpan.Zero);

    public static RouteGroupBuilder MapRuleBacktest(this RouteGroupBuilder group)
    {
        group.MapPost("/backtest", Backtest)
            .WithName("BacktestRules")
            .WithSummary("The cases rules would have raised from stored or uploaded telemetry, compared with the rules in force")
            .Accepts<BacktestRequest>("application/json", "multipart/form-data", "application/x-www-form-urlencoded")
            .DisableAntiforgery();
        return group;
    }

    private static async Task<Results<Ok<BacktestView>, ValidationProblem, ProblemHttpResult>> Backtest(
        HttpRequest http, RuleCatalog catalog, ZoneMap zones, IDeviceDirectory directory, SilenceBook silenceBook, IOptions<InfluxOptions> influx, ILoggerFactory logs)
    {
        var request = await ReadRequest(http);
        if (request is null)
        {
            return Problems.Invalid("body", "send JSON (rules, from, to, device, kind, data) or a form with the same fields; data (CSV or line protocol) unless InfluxDB is configured");
        }

        var errors = new Dictionary<string, string[]>();
        var data = request.Data is { Length: > 0 } ? request.Data : null;
        var fromInflux = data is null && !string.IsNullOrEmpty(influx.Value.Url);
        if (data is null && !fromInflux)
        {
            errors["data"] = ["data is required when InfluxDB is not configured (CityOps:Influx:Url): a CSV (time,device,kind,metrics...) or line-protocol file"];
        }

        var from = Time(request.From, "from", errors);
        var to = Time(request.To, "to", errors);
        if (fromInflux && (from is null || to is null) && !errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            errors["from"] = ["a backtest over the telemetry stored in InfluxDB needs from and to (RFC 3339)"];
        }

        CheckRange(from, to, fromInflux, errors);
        var kind = request.Kind is { Length: > 0 } ? request.Kind : null;
        var kinds = catalog.Current.Kinds;
        if (kind is not null && !kinds.IsKnownKind(kind))
        {
            errors["kind"] = [$"unknown kind '{kind}'; known kinds: {string.Join(", ", kinds.Kinds)}"];
        }

        var rules = catalog.Current;
        var yaml = request.Rules is { Length: > 0 } ? request.Rules : null;
        if (yaml is not null)
        {
            var parsed = RuleParser.Parse([new(request.RulesName ?? "backtest.yaml", yaml)], new RuleParseOptions { Zones = zones, Kinds = kinds, TimeZone = catalog.TimeZone });
            RuleProblems.AddTo(errors, parsed.Errors);
            rules = parsed.RuleSet ?? rules;
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "Nothing was replayed.");
        }

        var problems = new List<string>();
        var devices = request.Device?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var filter = new BacktestFilter(from, to, devices, kind);
        List<BacktestReading> readings;
        if (fromInflux)
        {
            try
            {
                readings = await StoredAsync(influx.Value, filter, kinds, http.HttpContext.RequestAborted);
            }
            catch (TooManyReadingsException e)
            {
                return Problems.Invalid("from", e.Message);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException && !http.HttpContext.RequestAborted.IsCancellationRequested)
            {
                // InfluxDB's own words stay in the log: they describe its internals, not what the client can change.
                LogStoredFailed(logs.CreateLogger(typeof(RuleBacktest).FullName!), e);
                return TypedResults.Problem(
                    title: "The stored telemetry could not be read",
                    detail: "InfluxDB did not answer the query; the failure was logged on the server. Try again, or narrow the range.",
                    statusCode: StatusCodes.Status502BadGateway);
            }
        }
        else
        {
            var format = request.Format switch
            {
                "csv" => TelemetryFormat.Csv,
                "lp" or "line" or "line-protocol" => TelemetryFormat.LineProtocol,
                _ => TelemetryFile.Detect(data!, request.DataName),
            };
            readings = TelemetryFile.Parse(data!, format, problems, kinds);
        }

        var profiles = await ProfilesAsync(directory, readings.Where(filter.Includes).Select(r => r.Kind).Distinct());
        // The silences of the desk, expired ones included, hold the replayed alarms in their windows as they held (or hold) live.
        var silences = silenceBook.List(DateTimeOffset.MaxValue, includeExpired: true)
            .Select(s => new ReplaySilence(s.Id, s.DeviceId, s.Grid, s.Zone, s.RuleId, s.StartsAt, s.ExpiredAt is { } expired && expired < s.EndsAt ? expired : s.EndsAt))
            .ToList();
        var result = Backtester.Run(rules, readings, filter, zones, id => profiles.GetValueOrDefault(id), silences);
        ComparisonView? comparison = null;
        if (yaml is not null)
        {
            // The same readings through the rules in force: what the candidate would change.
            var inForce = Backtester.Run(catalog.Current, readings, filter, zones, id => profiles.GetValueOrDefault(id), silences);
            var diff = BacktestComparison.Of(inForce.Cases, result.Cases);
            comparison = new ComparisonView(
                catalog.Current.Version, [.. diff.Added.Select(View)], [.. diff.Removed.Select(View)],
                [.. diff.Changed.Select(c => new ChangedCaseView(View(c.InForce), View(c.Candidate)))], diff.Unchanged);
        }

        return TypedResults.Ok(new BacktestView(
            rules.Rules.Length, rules.Version, fromInflux ? "influxdb" : "upload", result.Readings, result.Devices,
            [.. result.Cases.Select(View)], comparison, [.. problems, .. result.Problems],
            [.. result.Incidents.Select(View)], [.. result.Suppressed.Select(View)],
            [.. result.Days(from?.Offset ?? TimeSpan.Zero).Select(d => new BacktestDayView(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Alarms, d.Incidents, d.Suppressed, d.SuppressedBy))])
        {
            Silenced = [.. result.Silenced.Select(s => new BacktestSilencedView(s.Device, s.Rule, s.RaisedAt, s.At, s.SilenceId, s.Until))],
        });
    }

    /// <summary>
    /// The request from a JSON body or a form (files or text), fields missing there taken from the query string; null
    /// when the body is neither. JSON that does not parse is refused like any other body (field, position).
    /// </summary>
    private static async Task<BacktestRequest?> ReadRequest(HttpRequest http)
    {
        string? Query(string name) => http.Query[name].ToString() is { Length: > 0 } value ? value : null;
        BacktestRequest? request;
        if (http.HasJsonContentType())
        {
            try
            {
                request = await http.ReadFromJsonAsync<BacktestRequest>(CityOpsJson.Options, http.HttpContext.RequestAborted);
            }
            catch (JsonException e)
            {
                throw new BadHttpRequestException("The backtest request is not valid JSON.", StatusCodes.Status400BadRequest, e);
            }

            request ??= new BacktestRequest();
        }
        else if (http.HasFormContentType)
        {
            var form = await http.ReadFormAsync(http.HttpContext.RequestAborted);
            async Task<(string? Text, string? Name)> Text(string name)
            {
                if (form.Files.GetFile(name) is { } file)
                {
                    using var reader = new StreamReader(file.OpenReadStream());
                    return (await reader.ReadToEndAsync(http.HttpContext.RequestAborted), file.FileName);
                }

                return (form[name].ToString() is { Length: > 0 } value ? value : null, null);
            }

            var (rules, rulesName) = await Text("rules");
            var (data, dataName) = await Text("data");
            request = new BacktestRequest(rules, (await Text("from")).Text, (await Text("to")).Text, (await Text("device")).Text, (await Text("kind")).Text, data, (await Text("format")).Text)
            {
                RulesName = rulesName,
                DataName = dataName,
            };
        }
        else
        {
            return null;
        }

        return request with
        {
            From = request.From ?? Query("from"),
            To = request.To ?? Query("to"),
            Device = request.Device ?? Query("device"),
            Kind = request.Kind ?? Query("kind"),
            Format = request.Format ?? Query("format"),
        };
    }

    // A range the telemetry store can answer: in order, inside what InfluxDB can hold (int64 nanoseconds since 1970),
    // and for a replay of stored telemetry at most MaxStoredRange long, so the answer is a clear 400, never InfluxDB's.
    private static void CheckRange(DateTimeOffset? from, DateTimeOffset? to, bool stored, Dictionary<string, string[]> errors)
    {
        foreach (var (name, at) in new[] { ("from", from), ("to", to) })
        {
            if (at is { } t && (t < EarliestStorable || t > LatestStorable))
            {
                errors[name] = [$"{name} must be between {EarliestStorable:yyyy-MM-dd} and {LatestStorable:yyyy-MM-dd} (the times telemetry can be stored at)"];
            }
        }

        if (from is { } f && to is { } t2 && f >= t2)
        {
            errors["to"] = [$"to ({t2:O}) must be after from ({f:O})"];
        }
        else if (stored && from is { } sf && to is { } st && st - sf > MaxStoredRange && !errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            errors["to"] = [$"a backtest over stored telemetry covers at most {MaxStoredRange.TotalDays:0} days; this range is {(st - sf).TotalDays:N0} days"];
        }
    }

    private static BacktestCaseView View(BacktestCase c) => new(
        c.Device, c.Rule, c.Code, c.Title, SeverityNames.ToName(c.Severity), c.OpenedAt, c.ClearedAt, c.Peak,
        [.. c.Events.Select(e => new BacktestEventView(e.At, e.Event.ToString().ToLowerInvariant(), e.Event == CityOps.Rules.Testing.CaseEventKind.Cleared ? null : SeverityNames.ToName(e.Severity), double.IsFinite(e.Value) ? e.Value : null))]);

    private static BacktestIncidentView View(ReplayIncident i) => new(
        i.Incident, i.Group, SeverityNames.ToName(i.Severity), i.OpenedAt, i.ClearedAt, i.Members.Length,
        [.. i.Members.Select(m => new BacktestMemberView(m.Device, m.Rule, m.RaisedAt, m.ClearedAt))]);

    private static BacktestSuppressionView View(ReplaySuppression s) =>
        new(s.Device, s.Rule, s.RaisedAt, s.At, new BacktestAlarmRef(s.ByDevice, s.ByRule), s.Until);

    // The stored readings of the filter's kinds (every known kind when none is given), devices and time range.
    private static async Task<List<BacktestReading>> StoredAsync(InfluxOptions options, BacktestFilter filter, KindCatalog kinds, CancellationToken cancellationToken)
    {
        using var reader = new InfluxReader(options);
        var readings = new List<BacktestReading>();
        foreach (var kind in filter.Kind is { } one ? [one] : kinds.Kinds)
        {
            await foreach (var r in reader.ReadAsync(kind, filter.From!.Value, filter.To!.Value, filter.Devices, cancellationToken))
            {
                if (readings.Count == MaxStoredReadings)
                {
                    throw new TooManyReadingsException($"more than {MaxStoredReadings:N0} readings in the range: narrow it by time, kind or device");
                }

                readings.Add(new BacktestReading(r.DeviceId, r.Kind, r.Timestamp, [.. r.Metrics.Select(m => (m.Name, m.Value))], r.Lat, r.Lon));
            }
        }

        return readings;
    }

    private static DateTimeOffset? Time(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }

        errors[field] = [$"'{text}' is not a time; write RFC 3339, e.g. 2026-07-20T00:00:00+08:00"];
        return null;
    }

    // Registered positions, codes and threshold attributes, read from the directory rather than the grains (no activations).
    private static async Task<Dictionary<string, DeviceProfile>> ProfilesAsync(IDeviceDirectory directory, IEnumerable<string> kinds)
    {
        var profiles = new Dictionary<string, DeviceProfile>(StringComparer.Ordinal);
        foreach (var kind in kinds)
        {
            for (var page = 1; ; page++)
            {
                var devices = await directory.QueryAsync(new DeviceQuery(Kind: kind, Page: page, PageSize: ProfilePage));
                foreach (var d in devices.Items)
                {
                    profiles[d.Id] = new DeviceProfile(d.Name, d.Code, d.Lat, d.Lon, d.Attributes, d.Grid);
                }

                if (devices.Items.Count < ProfilePage)
                {
                    break;
                }
            }
        }

        return profiles;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backtest: reading the stored telemetry from InfluxDB failed")]
    private static partial void LogStoredFailed(ILogger logger, Exception exception);

    /// <summary>
    /// The answer. <see cref="Incidents"/>, <see cref="Suppressed"/> and <see cref="Days"/> (calendar days at the offset of
    /// <c>from</c>, UTC without it) are what the alarm desk makes of the cases' alarms; they came after the first fields and only extend them.
    /// </summary>
    public sealed record BacktestView(
        int Rules, int RuleSetVersion, string Source, int Readings, int Devices, IReadOnlyList<BacktestCaseView> Cases, ComparisonView? Comparison, IReadOnlyList<string> Problems,
        IReadOnlyList<BacktestIncidentView> Incidents, IReadOnlyList<BacktestSuppressionView> Suppressed, IReadOnlyList<BacktestDayView> Days)
    {
        /// <summary>The alarms the desk's silences (expired ones included) held, after <see cref="Days"/>: an extension.</summary>
        public IReadOnlyList<BacktestSilencedView> Silenced { get; init; } = [];
    }

    /// <summary>An alarm held from <see cref="SilencedAt"/> by the silence <see cref="SilenceId"/>, until it ended (null: the alarm cleared under it).</summary>
    public sealed record BacktestSilencedView(string DeviceId, string RuleId, DateTimeOffset RaisedAt, DateTimeOffset SilencedAt, string SilenceId, DateTimeOffset? Until);

    /// <summary>An incident the alarms would have formed: its incident rule, group, worst severity, and every member alarm (<see cref="Count"/> of them).</summary>
    public sealed record BacktestIncidentView(
        string RuleId, string Group, string Severity, DateTimeOffset OpenedAt, DateTimeOffset? ClearedAt, int Count, IReadOnlyList<BacktestMemberView> Members);

    public sealed record BacktestMemberView(string DeviceId, string RuleId, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt);

    /// <summary>An alarm suppressed from <see cref="SuppressedAt"/> by the alarm <see cref="SuppressedBy"/> (its parent's, or its own sensor fault), until (null: to its end).</summary>
    public sealed record BacktestSuppressionView(string DeviceId, string RuleId, DateTimeOffset RaisedAt, DateTimeOffset SuppressedAt, BacktestAlarmRef SuppressedBy, DateTimeOffset? Until);

    public sealed record BacktestAlarmRef(string DeviceId, string RuleId);

    /// <summary>One calendar day: alarms raised (one case each in <c>cases</c>), incidents opened, alarms suppressed and by which rules.</summary>
    public sealed record BacktestDayView(string Day, int Alarms, int Incidents, int Suppressed, IReadOnlyDictionary<string, int> SuppressedBy);

    /// <summary>The candidate rules against the rules in force (<see cref="InForceVersion"/>) on the same readings.</summary>
    public sealed record ComparisonView(
        int InForceVersion, IReadOnlyList<BacktestCaseView> Added, IReadOnlyList<BacktestCaseView> Removed, IReadOnlyList<ChangedCaseView> Changed, int Unchanged);

    public sealed record ChangedCaseView(BacktestCaseView InForce, BacktestCaseView Candidate);

    public sealed record BacktestCaseView(
        string DeviceId, string RuleId, string Code, string Title, string Severity, DateTimeOffset OpenedAt, DateTimeOffset? ClearedAt, double? Peak,
        IReadOnlyList<BacktestEventView> History);

    public sealed record BacktestEventView(DateTimeOffset At, string Event, string? Severity, double? Value);
}
