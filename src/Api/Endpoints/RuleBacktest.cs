using System.Globalization;
using CityOps.Grains.RuleSets;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using CityOps.Rules;
using CityOps.Rules.Backtesting;
using CityOps.Ingest.Influx;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>POST /api/v1/rules/backtest</c>: the cases a rule set would have raised from the telemetry stored in InfluxDB, or uploaded (CSV or line
/// protocol), replayed through the same compiled evaluator as live ingestion. Form fields (multipart/form-data or
/// urlencoded): <c>data</c> (file or text; without it, InfluxDB with from and to), <c>rules</c> (YAML file or text; default the rules in force),
/// <c>format</c> (<c>csv</c> | <c>lp</c>; default by file name or content), <c>from</c>, <c>to</c> (RFC 3339),
/// <c>device</c> (ids, comma-separated), <c>kind</c>; the last four may also come in the query string.
/// </summary>
public static class RuleBacktest
{
    private const int ProfilePage = 5000;
    private const int MaxStoredReadings = 5_000_000;

    public static RouteGroupBuilder MapRuleBacktest(this RouteGroupBuilder group)
    {
        group.MapPost("/backtest", async Task<Results<Ok<BacktestView>, ValidationProblem>> (
            HttpRequest http, RuleCatalog catalog, ZoneMap zones, IDeviceDirectory directory, IOptions<InfluxOptions> influx) =>
        {
            if (!http.HasFormContentType)
            {
                return Problems.Invalid("data", "send multipart/form-data or a form with rules (YAML), from, to, device, kind, and a data file (CSV or line protocol) unless InfluxDB is configured");
            }

            var form = await http.ReadFormAsync(http.HttpContext.RequestAborted);
            string? Field(string name) => form[name].ToString() is { Length: > 0 } value ? value : http.Query[name].ToString() is { Length: > 0 } query ? query : null;
            async Task<(string? Text, string? Name)> Text(string name)
            {
                if (form.Files.GetFile(name) is { } file)
                {
                    using var reader = new StreamReader(file.OpenReadStream());
                    return (await reader.ReadToEndAsync(http.HttpContext.RequestAborted), file.FileName);
                }

                return (Field(name), null);
            }

            var errors = new Dictionary<string, string[]>();
            var (data, dataName) = await Text("data");
            var fromInflux = data is null && !string.IsNullOrEmpty(influx.Value.Url);
            if (data is null && !fromInflux)
            {
                errors["data"] = ["data is required when InfluxDB is not configured (CityOps:Influx:Url): a CSV (time,device,kind,metrics...) or line-protocol file"];
            }

            var from = Time(Field("from"), "from", errors);
            var to = Time(Field("to"), "to", errors);
            if (fromInflux && (from is null || to is null))
            {
                errors["from"] = ["a backtest over the telemetry stored in InfluxDB needs from and to (RFC 3339)"];
            }
            var kind = Field("kind");
            if (kind is not null && !KindCatalog.IsKnownKind(kind))
            {
                errors["kind"] = [$"unknown kind '{kind}'; known kinds: {string.Join(", ", KindCatalog.Kinds)}"];
            }

            var rules = catalog.Current;
            var (yaml, rulesName) = await Text("rules");
            if (yaml is not null)
            {
                var parsed = RuleParser.Parse([new(rulesName ?? "backtest.yaml", yaml)], new RuleParseOptions { Zones = zones });
                foreach (var error in parsed.Errors)
                {
                    errors[$"{error.File}:{error.Line}:{error.Column} {error.Field}"] = [error.Message];
                }

                rules = parsed.RuleSet ?? rules;
            }

            if (errors.Count > 0)
            {
                return Problems.Invalid(errors, "Nothing was replayed.");
            }

            var problems = new List<string>();
            var devices = Field("device")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            var filter = new BacktestFilter(from, to, devices, kind);
            List<BacktestReading> readings;
            if (fromInflux)
            {
                try
                {
                    readings = await StoredAsync(influx.Value, filter, http.HttpContext.RequestAborted);
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException && !http.HttpContext.RequestAborted.IsCancellationRequested)
                {
                    return Problems.Invalid("data", "reading the stored telemetry failed: " + e.Message);
                }
            }
            else
            {
                var format = Field("format") switch
                {
                    "csv" => TelemetryFormat.Csv,
                    "lp" or "line" or "line-protocol" => TelemetryFormat.LineProtocol,
                    _ => TelemetryFile.Detect(data!, dataName),
                };
                readings = TelemetryFile.Parse(data!, format, problems);
            }

            var profiles = await ProfilesAsync(directory, readings.Where(filter.Includes).Select(r => r.Kind).Distinct());
            var result = Backtester.Run(rules, readings, filter, zones, id => profiles.GetValueOrDefault(id));
            ComparisonView? comparison = null;
            if (yaml is not null)
            {
                // The same readings through the rules in force: what the candidate would change.
                var inForce = Backtester.Run(catalog.Current, readings, filter, zones, id => profiles.GetValueOrDefault(id));
                var diff = BacktestComparison.Of(inForce.Cases, result.Cases);
                comparison = new ComparisonView(
                    catalog.Current.Version, [.. diff.Added.Select(View)], [.. diff.Removed.Select(View)],
                    [.. diff.Changed.Select(c => new ChangedCaseView(View(c.InForce), View(c.Candidate)))], diff.Unchanged);
            }

            return TypedResults.Ok(new BacktestView(
                rules.Rules.Length, rules.Version, fromInflux ? "influxdb" : "upload", result.Readings, result.Devices,
                [.. result.Cases.Select(View)], comparison, [.. problems, .. result.Problems]));
        }).DisableAntiforgery();

        return group;
    }

    private static BacktestCaseView View(BacktestCase c) => new(
        c.Device, c.Rule, c.Code, c.Title, SeverityNames.ToName(c.Severity), c.OpenedAt, c.ClearedAt, c.Peak,
        [.. c.Events.Select(e => new BacktestEventView(e.At, e.Event.ToString().ToLowerInvariant(), e.Event == CityOps.Rules.Testing.CaseEventKind.Cleared ? null : SeverityNames.ToName(e.Severity), double.IsFinite(e.Value) ? e.Value : null))]);

    // The stored readings of the filter's kinds (every known kind when none is given), devices and time range.
    private static async Task<List<BacktestReading>> StoredAsync(InfluxOptions options, BacktestFilter filter, CancellationToken cancellationToken)
    {
        using var reader = new InfluxReader(options);
        var readings = new List<BacktestReading>();
        foreach (var kind in filter.Kind is { } one ? [one] : KindCatalog.Kinds)
        {
            await foreach (var r in reader.ReadAsync(kind, filter.From!.Value, filter.To!.Value, filter.Devices, cancellationToken))
            {
                if (readings.Count == MaxStoredReadings)
                {
                    throw new InvalidOperationException($"more than {MaxStoredReadings:N0} readings in the range: narrow it by time, kind or device");
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
                    profiles[d.Id] = new DeviceProfile(d.Name, d.Code, d.Lat, d.Lon, d.Attributes);
                }

                if (devices.Items.Count < ProfilePage)
                {
                    break;
                }
            }
        }

        return profiles;
    }

    public sealed record BacktestView(
        int Rules, int RuleSetVersion, string Source, int Readings, int Devices, IReadOnlyList<BacktestCaseView> Cases, ComparisonView? Comparison, IReadOnlyList<string> Problems);

    /// <summary>The candidate rules against the rules in force (<see cref="InForceVersion"/>) on the same readings.</summary>
    public sealed record ComparisonView(
        int InForceVersion, IReadOnlyList<BacktestCaseView> Added, IReadOnlyList<BacktestCaseView> Removed, IReadOnlyList<ChangedCaseView> Changed, int Unchanged);

    public sealed record ChangedCaseView(BacktestCaseView InForce, BacktestCaseView Candidate);

    public sealed record BacktestCaseView(
        string DeviceId, string RuleId, string Code, string Title, string Severity, DateTimeOffset OpenedAt, DateTimeOffset? ClearedAt, double? Peak,
        IReadOnlyList<BacktestEventView> History);

    public sealed record BacktestEventView(DateTimeOffset At, string Event, string? Severity, double? Value);
}
