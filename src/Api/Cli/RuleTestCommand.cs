using CityOps.Grains.RuleSets;
using CityOps.Rules;
using CityOps.Rules.Testing;

namespace CityOps.Api.Cli;

/// <summary>
/// <c>cityops rules test &lt;test.yaml|folder&gt;... [--rules &lt;folder&gt;]</c>: runs rule test files against a rule folder
/// (by default the folder above the test's own, so <c>rules/tests/x.yaml</c> tests <c>rules/*.yaml</c>).
/// </summary>
public static class RuleTestCommand
{
    public static int Run(string[] args, TimeZoneInfo zone, TextWriter output, TextWriter error)
    {
        var rulesOption = RulesCommand.Option(args, "--rules");
        var tests = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--rules" or CliTimeZone.Option)
            {
                i++;
            }
            else if (Directory.Exists(args[i]))
            {
                tests.AddRange(Directory.EnumerateFiles(args[i], "*.yaml").Order(StringComparer.Ordinal));
            }
            else
            {
                tests.Add(args[i]);
            }
        }

        int passed = 0, failed = 0;
        foreach (var test in tests)
        {
            if (!File.Exists(test))
            {
                error.WriteLine($"{test}: no such file");
                failed++;
                continue;
            }

            var result = RunFile(test, rulesOption, zone);
            foreach (var failure in result.Failures)
            {
                output.WriteLine($"{failure.File}:{failure.Line}:{failure.Column}: {failure.Message}");
            }

            output.WriteLine($"{(result.Passed ? "PASS" : "FAIL")} {test} ({result.Produced.Length} case events{(result.Incidents.IsEmpty ? "" : $", {result.Incidents.Length} incident events")})");
            _ = result.Passed ? passed++ : failed++;
        }

        output.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    /// <summary>
    /// Runs one test file; rule and zone problems come back as failures of the test. Schedules are judged in
    /// <paramref name="zone"/> (the machine's when null).
    /// </summary>
    public static RuleTestResult RunFile(string testFile, string? rulesFolder = null, TimeZoneInfo? zone = null)
    {
        var testDir = Path.GetDirectoryName(Path.GetFullPath(testFile))!;
        var folder = rulesFolder ?? Path.GetDirectoryName(testDir) ?? testDir;
        var kindErrors = new List<RuleError>();
        var kinds = RuleFolder.Kinds(folder, kindErrors);
        var parsed = RuleParser.Parse(RuleFolder.RuleFiles(folder, fullPaths: true), new RuleParseOptions { Kinds = kinds, TimeZone = zone ?? TimeZoneInfo.Local });
        if (!parsed.Success || kindErrors.Count > 0)
        {
            return new RuleTestResult(testFile, [.. kindErrors, .. parsed.Errors], []);
        }

        try
        {
            return RuleTestRunner.Run(testFile, File.ReadAllText(testFile), parsed.RuleSet!, path =>
            {
                var full = Path.Combine(testDir, path);
                return File.Exists(full) ? CityOps.Grains.Zones.ZoneSet.Build(File.ReadAllText(full), out _) : null;
            });
        }
        catch (InvalidCastException)
        {
            // A key that is itself a list or mapping: not a shape a rule test has.
            return new RuleTestResult(testFile, [new RuleError(testFile, 1, 1, "test", "keys must be plain names (id, kind, readings, expect, ...)")], []);
        }
    }
}
