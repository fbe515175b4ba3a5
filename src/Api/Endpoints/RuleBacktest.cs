using System.Globalization;
using CityOps.Grains.RuleSets;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using CityOps.Rules;
using CityOps.Rules.Backtesting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityOps.Api.Endpoints;

/// <summary>
/// <c>POST /api/v1/rules/backtest</c>: the cases a rule set would have raised from uploaded telemetry (CSV or line
/// protocol), replayed through the same compiled evaluator as live ingestion. Form fields (multipart/form-data or
/// urlencoded): <c>data</c> (file or text, required), <c>rules</c> (YAML file or text; default the rules in force),
/// <c>format</c> (<c>csv</c> | <c>lp</c>; default by file name or content), <c>from</c>, <c>to</c> (RFC 3339),
/// <c>device</c> (ids, comma-separated), <c>kind</c>; the last four may also come in the query string.
/// </summary>
public static class RuleBacktest
{
    private const int ProfilePage = 5000;

    public static RouteGroupBuilder MapRuleBacktest(this RouteGroupBuilder group)
    {
        group.MapPost("/backtest", async Task<Results<Ok<BacktestView>, ValidationProblem>> (HttpRequest http, RuleCatalog catalog, ZoneMap zones, IDeviceDirectory directory) =>
        {
            if (!http.HasFormContentType)
            {
                return Problems.Invalid("data", "send multipart/form-data with a data file (CSV or line protocol) and optionally rules (YAML), from, to, device, kind");
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
            if (data is null)
            {
                errors["data"] = ["data is required: a CSV (time,device,kind,metrics...) or line-protocol file"];
            }

            var from = Time(Field("from"), "from", errors);
            var to = Time(Field("to"), "to", errors);
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

            var format = Field("format") switch
            {
                "csv" => TelemetryFormat.Csv,
                "lp" or "line" or "line-protocol" => TelemetryFormat.LineProtocol,
                _ => TelemetryFile.Detect(data!, dataName),
            };
            var problems = new List<string>();
            var readings = TelemetryFile.Parse(data!, format, problems);
            var devices = Field("device")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            var filter = new BacktestFilter(from, to, devices, kind);
            var profiles = Profiles(directory, readings.Where(filter.Includes).Select(r => r.Kind).Distinct());
            var result = Backtester.Run(rules, readings, filter, zones, id => profiles.GetValueOrDefault(id));
            return TypedResults.Ok(new BacktestView(
                rules.Rules.Length, rules.Version, result.Readings, result.Devices,
                [.. result.Cases.Select(c => new BacktestCaseView(
                    c.Device, c.Rule, c.Code, c.Title, SeverityNames.ToName(c.Severity), c.OpenedAt, c.ClearedAt, c.Peak,
                    [.. c.Events.Select(e => new BacktestEventView(e.At, e.Event.ToString().ToLowerInvariant(), e.Event == CityOps.Rules.Testing.CaseEventKind.Cleared ? null : SeverityNames.ToName(e.Severity), double.IsFinite(e.Value) ? e.Value : null))]))],
                [.. problems, .. result.Problems]));
        }).DisableAntiforgery();

        return group;
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
    private static Dictionary<string, DeviceProfile> Profiles(IDeviceDirectory directory, IEnumerable<string> kinds)
    {
        var profiles = new Dictionary<string, DeviceProfile>(StringComparer.Ordinal);
        foreach (var kind in kinds)
        {
            for (var page = 1; ; page++)
            {
                var devices = directory.Query(new DeviceQuery(Kind: kind, Page: page, PageSize: ProfilePage));
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

    public sealed record BacktestView(int Rules, int RuleSetVersion, int Readings, int Devices, IReadOnlyList<BacktestCaseView> Cases, IReadOnlyList<string> Problems);

    public sealed record BacktestCaseView(
        string DeviceId, string RuleId, string Code, string Title, string Severity, DateTimeOffset OpenedAt, DateTimeOffset? ClearedAt, double? Peak,
        IReadOnlyList<BacktestEventView> History);

    public sealed record BacktestEventView(DateTimeOffset At, string Event, string? Severity, double? Value);
}
