using CityOps.Grains.Zones;
using CityOps.Grains.RuleSets;
using CityOps.Rules;

namespace CityOps.Api.Cli;

/// <summary>
/// <c>cityops rules validate &lt;folder&gt; [--zones zones.geojson]</c>, <c>cityops rules test &lt;file&gt;...</c> and
/// <c>cityops rules backtest</c>: run before any host is built, print every problem as <c>file:line:column: field: message</c>,
/// exit 0 when all is well and 1 otherwise, so CI can check a rule change before it is deployed. Schedules are judged in
/// the city's zone, as the server judges them (<see cref="CliTimeZone"/>).
/// </summary>
public static class RulesCommand
{
    public const string Usage = """
        usage:
          cityops rules validate <folder> [--zones <zones.geojson>]   check every *.yaml rule file in the folder
          cityops rules test <test.yaml>... [--rules <folder>]        run rule tests (readings in, expected cases out)
          cityops rules backtest <data.csv|.lp> [--rules <folder>] [--zones <zones.geojson>] [--from t] [--to t] [--device a,b] [--kind k]
                                                                      the cases the rules would have raised from a telemetry file
        every command: [--time-zone <IANA id>]   the zone of when: schedules; default CityOps:TimeZone (appsettings, environment)
        (from the source tree: dotnet run --project src/Api -- rules validate rules)
        """;

    /// <param name="args">The arguments after <c>rules</c>.</param>
    /// <param name="configuration">Where <c>CityOps:TimeZone</c> is read; the server's (<see cref="CliTimeZone.ServerConfiguration"/>) when null.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is not ["validate" or "backtest" or "test", _, ..])
        {
            error.WriteLine(Usage);
            return 1;
        }

        if (CliTimeZone.Resolve(args, configuration ?? CliTimeZone.ServerConfiguration(), error) is not { } zone)
        {
            return 1;
        }

        switch (args)
        {
            case ["validate", var folder, .. var rest]:
                return Validate(Resolve(folder), Option(rest, "--zones") is { } zones ? Resolve(zones) : null, zone, output, error);
            case ["backtest", var data, .. var rest]:
                return RuleBacktestCommand.Run(Resolve(data), rest, zone, output, error);
            case ["test", .. var rest] when rest.Any(a => !a.StartsWith("--", StringComparison.Ordinal)):
                return RuleTestCommand.Run([.. rest.Select(a => a.StartsWith("--", StringComparison.Ordinal) ? a : Resolve(a))], zone, output, error);
            default:
                error.WriteLine(Usage);
                return 1;
        }
    }

    private static int Validate(string folder, string? zonesFile, TimeZoneInfo zone, TextWriter output, TextWriter error)
    {
        if (!Directory.Exists(folder))
        {
            error.WriteLine($"{folder}: no such folder");
            return 1;
        }

        var kindErrors = new List<RuleError>();
        var options = new RuleParseOptions { Kinds = RuleFolder.Kinds(folder, kindErrors), TimeZone = zone };
        if (zonesFile is not null)
        {
            if (LoadZones(zonesFile, error) is not { } zones)
            {
                return 1;
            }

            options = options with { Zones = zones };
        }

        var files = RuleFolder.RuleFiles(folder);
        var parsed = RuleParser.Parse(files, options);
        var result = new RuleParseResult(parsed.RuleSet, [.. kindErrors.Select(e => e with { File = Path.GetFileName(e.File) }), .. parsed.Errors]);
        foreach (var problem in result.Errors)
        {
            output.WriteLine($"{Path.Combine(folder, problem.File)}:{problem.Line}:{problem.Column}: {problem.Field}: {problem.Message}");
        }

        if (!result.Success)
        {
            output.WriteLine($"{result.Errors.Length} problem{(result.Errors.Length == 1 ? "" : "s")} in {folder}; fix them and run again");
            return 1;
        }

        output.WriteLine($"{folder}: {result.RuleSet!.Rules.Length} rules in {files.Count} files, no problems"
            + (zonesFile is null ? " (zones not checked: add --zones <zones.geojson>)" : ""));
        return 0;
    }

    /// <summary>
    /// A path as the user typed it. <c>dotnet run --project src/Api</c> starts the program in the project folder, not
    /// in the shell's, so a relative path is taken from the shell's folder (<c>PWD</c>) when it exists there.
    /// </summary>
    internal static string Resolve(string path)
    {
        if (Path.IsPathRooted(path) || Environment.GetEnvironmentVariable("PWD") is not { Length: > 0 } shell
            || Path.GetFullPath(shell) == Path.GetFullPath(Environment.CurrentDirectory))
        {
            return path;
        }

        var fromShell = Path.Combine(shell, path);
        return File.Exists(fromShell) || Directory.Exists(fromShell) ? fromShell : path;
    }

    internal static ZoneSet? LoadZones(string path, TextWriter error)
    {
        if (!File.Exists(path))
        {
            error.WriteLine($"{path}: no such file");
            return null;
        }

        var zones = ZoneSet.Build(File.ReadAllText(path), out var problems);
        foreach (var problem in problems)
        {
            error.WriteLine($"{path}: {problem}");
        }

        return zones;
    }

    internal static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
