using System.Globalization;
using CityOps.Grains.RuleSets;
using CityOps.Rules;
using CityOps.Rules.Backtesting;

namespace CityOps.Api.Cli;

/// <summary>
/// <c>cityops rules backtest &lt;data.csv|data.lp&gt; [--rules &lt;folder&gt;] [--zones &lt;zones.geojson&gt;] [--from t] [--to t] [--device a,b] [--kind k]</c>:
/// the cases the rules would have raised from a telemetry file, through the same evaluator as live ingestion.
/// Devices are replayed as unregistered (no registered position, code or threshold attributes).
/// </summary>
public static class RuleBacktestCommand
{
    public static int Run(string dataFile, string[] options, TimeZoneInfo zone, TextWriter output, TextWriter error)
    {
        if (!File.Exists(dataFile))
        {
            error.WriteLine($"{dataFile}: no such file");
            return 1;
        }

        var folder = RulesCommand.Option(options, "--rules") is { } r ? RulesCommand.Resolve(r) : "rules";
        if (!Directory.Exists(folder))
        {
            error.WriteLine($"{folder}: no such folder (give the rules with --rules <folder>)");
            return 1;
        }

        // Without --zones, rules that name zones are kept but never inside any (as a device outside every zone).
        IZoneLookup zones = NoZones.Instance;
        var kindErrors = new List<RuleError>();
        var parseOptions = new RuleParseOptions { Kinds = RuleFolder.Kinds(folder, kindErrors), TimeZone = zone };
        if (RulesCommand.Option(options, "--zones") is { } zonesFile)
        {
            if (RulesCommand.LoadZones(RulesCommand.Resolve(zonesFile), error) is not { } loaded)
            {
                return 1;
            }

            zones = loaded;
            parseOptions = parseOptions with { Zones = loaded };
        }

        var parsed = RuleParser.Parse(RuleFolder.RuleFiles(folder), parseOptions);
        foreach (var problem in kindErrors.Select(e => e with { File = Path.GetFileName(e.File) }).Concat(parsed.Errors))
        {
            error.WriteLine($"{Path.Combine(folder, problem.File)}:{problem.Line}:{problem.Column}: {problem.Field}: {problem.Message}");
        }

        if (parsed.RuleSet is not { } rules || kindErrors.Count > 0)
        {
            return 1;
        }

        var text = File.ReadAllText(dataFile);
        var problems = new List<string>();
        var readings = TelemetryFile.Parse(text, TelemetryFile.Detect(text, dataFile), problems, rules.Kinds);
        DateTimeOffset? from, to;
        try
        {
            (from, to) = (Time(RulesCommand.Option(options, "--from")), Time(RulesCommand.Option(options, "--to")));
        }
        catch (FormatException)
        {
            error.WriteLine("--from and --to take RFC 3339 times, e.g. 2026-07-20T00:00:00+08:00");
            return 1;
        }

        var filter = new BacktestFilter(
            from, to,
            RulesCommand.Option(options, "--device")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal),
            RulesCommand.Option(options, "--kind"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = Backtester.Run(rules, readings, filter, zones, _ => null);
        foreach (var c in result.Cases)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.OpenedAt:O}  {c.Device,-16} {c.Rule,-24} {SeverityNames.ToName(c.Severity),-7} peak {c.Peak?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-",-8} {(c.ClearedAt is { } cleared ? "cleared " + cleared.ToString("O", CultureInfo.InvariantCulture) : "still active")}  {c.Title}"));
        }

        foreach (var i in result.Incidents)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{i.OpenedAt:O}  incident {i.Incident} {i.Group}: {i.Members.Length} alarms, {SeverityNames.ToName(i.Severity)}, {(i.ClearedAt is { } cleared ? "cleared " + cleared.ToString("O", CultureInfo.InvariantCulture) : "still open")}"));
        }

        foreach (var s in result.Suppressed)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.At:O}  {s.Device,-16} {s.Rule,-24} suppressed by {s.ByDevice} {s.ByRule}{(s.Until is { } until ? " until " + until.ToString("O", CultureInfo.InvariantCulture) : "")}"));
        }

        foreach (var problem in problems.Concat(result.Problems))
        {
            error.WriteLine(problem);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Cases.Length} cases from {result.Readings:N0} readings of {result.Devices:N0} devices ({rules.Rules.Length} rules, replayed in {clock.Elapsed.TotalSeconds:0.00} s)"));
        return 0;
    }

    private static DateTimeOffset? Time(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
