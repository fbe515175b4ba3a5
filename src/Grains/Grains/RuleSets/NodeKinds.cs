using System.Collections.Immutable;
using CityOps.Grains.Configuration;
using CityOps.Rules;
using Microsoft.Extensions.Configuration;

namespace CityOps.Grains.RuleSets;

/// <summary>
/// The node's kind catalog, read once at start-up: the built-in kinds, then <c>kinds.yaml</c> in the rule folder, then
/// the <c>CityOps:Kinds</c> section, each laid over the one before (<see cref="KindCatalog.With"/>). A catalog that
/// cannot work stops start-up with every problem, as bad configuration does; a change needs a restart.
/// </summary>
public static class NodeKinds
{
    public const string Section = "CityOps:Kinds";

    /// <exception cref="OptionsValidationException">kinds.yaml has errors (file, line, field) or <c>CityOps:Kinds</c> has bad values.</exception>
    public static KindCatalog Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var folder = (configuration.GetSection(RulesOptions.Section).Get<RulesOptions>() ?? new RulesOptions()).ResolvePath();
        var settings = configuration.GetSection(Section).Get<Dictionary<string, KindSettings>>() ?? [];
        return Load(folder, settings);
    }

    /// <inheritdoc cref="Load(IConfiguration)"/>
    public static KindCatalog Load(string ruleFolder, IReadOnlyDictionary<string, KindSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = new List<RuleError>();
        var kinds = RuleFolder.Kinds(ruleFolder, errors);

        var problems = new OptionsProblems(Section);
        var definitions = Definitions(settings, kinds, problems);
        var lines = errors.Select(e => e.ToString()).Concat(problems.Lines).ToList();
        if (lines.Count > 0)
        {
            throw new OptionsValidationException(Section, typeof(KindCatalog), lines);
        }

        return kinds.With(definitions);
    }

    private static List<KindDefinition> Definitions(IReadOnlyDictionary<string, KindSettings> settings, KindCatalog before, OptionsProblems problems)
    {
        var definitions = new List<KindDefinition>();
        foreach (var (name, kind) in settings.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var known = before.Find(name);
            var ok = true;
            void Require(bool condition, string key, object? value, string rule)
            {
                problems.Require(condition, key, value, rule);
                ok &= condition;
            }

            Require(KindFile.IsKindName(name), name, name, "a kind is 1-64 characters of a-z, 0-9, _ or -");
            Require(kind.Offline is null || kind.Offline > TimeSpan.Zero, $"{name}:Offline", kind.Offline, "must be positive");
            Require(kind.Interval is null || kind.Interval > TimeSpan.Zero, $"{name}:Interval", kind.Interval, "must be positive");
            Require(kind.Code is null || (kind.Code.Length is > 0 and <= 32 && kind.Code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')), $"{name}:Code", kind.Code, "must be a 部件/事件 code such as 0403");
            Require(known is not null || kind.Metrics.Count > 0, $"{name}:Metrics", null, "a new kind needs its metrics (Metrics:{metric}:Unit, Min, Max)");
            var metrics = ImmutableArray.CreateBuilder<MetricDefinition>();
            foreach (var (metric, spec) in kind.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                var key = $"{name}:Metrics:{metric}";
                Require(KindFile.IsMetricName(metric), key, metric, "a metric is 1-64 characters of A-Z, a-z, 0-9 or _");
                var old = known?.Metrics.FirstOrDefault(m => m.Name == metric);
                var min = spec?.Min ?? old?.Min ?? double.NegativeInfinity;
                var max = spec?.Max ?? old?.Max ?? double.PositiveInfinity;
                Require(!double.IsNaN(min) && !double.IsNaN(max) && min <= max, $"{key}:Max", spec?.Max, $"the physical range is empty or not numbers (min {min}, max {max})");
                metrics.Add(new MetricDefinition(metric, spec?.Unit, spec?.Min, spec?.Max));
            }

            if (ok)
            {
                definitions.Add(new KindDefinition(name, metrics.ToImmutable(), kind.Title, kind.Code, kind.Offline, kind.Interval));
            }
        }

        return definitions;
    }
}
