using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityOps.Rules;

/// <summary>The kind catalog file (<c>kinds.yaml</c> beside the rules), read with the same helpers and errors as rule files.</summary>
internal sealed partial class RuleFileReader
{
    private static readonly string[] _kindFileKeys = ["kinds"];
    private static readonly string[] _kindKeys = ["title", "code", "offline", "interval", "metrics"];
    private static readonly string[] _metricKeys = ["unit", "min", "max"];

    /// <summary>The kinds the file defines or changes, checked against <paramref name="baseline"/> (the kinds known before it).</summary>
    public List<KindDefinition> ReadKinds(string text, KindCatalog baseline)
    {
        var kinds = new List<KindDefinition>();
        if (LoadRoot(text) is not { } root)
        {
            return kinds;
        }

        if (root is not YamlMappingNode top)
        {
            Add(root, "kinds", "a kinds file starts with 'kinds:' followed by a mapping of kind names");
            return kinds;
        }

        var fields = Fields(top, "", _kindFileKeys);
        if (!fields.TryGetValue("kinds", out var section) || IsNull(section.Value))
        {
            return kinds;
        }

        if (section.Value is not YamlMappingNode map)
        {
            Add(section.Value, "kinds", "'kinds:' must be a mapping of kind names, e.g. gas: { metrics: { ch4_lel: { unit: '% LEL', min: 0, max: 100 } } }");
            return kinds;
        }

        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!KindFile.IsKindName(name))
            {
                Add(key, "kinds", $"kind '{name}' must be 1-64 characters of a-z, 0-9, _ or - (it is an MQTT topic level and an InfluxDB measurement)");
                continue;
            }

            if (ReadKind(name, key, value, $"kinds.{name}", baseline.Find(name)) is { } kind)
            {
                kinds.Add(kind);
            }
        }

        return kinds;
    }

    private KindDefinition? ReadKind(string name, YamlNode key, YamlNode node, string path, DeviceKind? known)
    {
        var errorsBefore = _errors.Count;
        if (node is not YamlMappingNode map)
        {
            Add(node, path, "each kind is a mapping: title, code, offline, interval, metrics");
            return null;
        }

        var fields = Fields(map, path, _kindKeys);
        var title = OptionalText(fields, path, "title");
        var code = OptionalText(fields, path, "code");
        if (code is not null && (code.Length > 32 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            Add(fields["code"].Value, Join(path, "code"), $"code '{code}' must be a 部件/事件 code such as \"0403\" (letters, digits, - _ .; at most 32)");
        }

        var offline = OptionalDuration(fields, path, "offline");
        if (offline == TimeSpan.Zero)
        {
            Add(fields["offline"].Value, Join(path, "offline"), "offline needs a silence longer than 0, e.g. offline: 30m");
        }

        var interval = OptionalDuration(fields, path, "interval");
        if (interval == TimeSpan.Zero)
        {
            Add(fields["interval"].Value, Join(path, "interval"), "interval is how often the devices report, longer than 0, e.g. interval: 1m");
        }

        var metrics = ImmutableArray.CreateBuilder<MetricDefinition>();
        if (fields.TryGetValue("metrics", out var metricsField) && !IsNull(metricsField.Value))
        {
            if (metricsField.Value is YamlMappingNode metricMap)
            {
                foreach (var (metricKey, value) in metricMap.Children)
                {
                    if (ReadMetric(metricKey, value, Join(path, "metrics"), known) is { } metric)
                    {
                        metrics.Add(metric);
                    }
                }
            }
            else
            {
                Add(metricsField.Value, Join(path, "metrics"), "metrics: must be a mapping of metric names, e.g. ch4_lel: { unit: '% LEL', min: 0, max: 100 }");
            }
        }

        if (known is null && metrics.Count == 0 && _errors.Count == errorsBefore)
        {
            Add(key, Join(path, "metrics"), $"a new kind needs its metrics, e.g. metrics: {{ level_m: {{ unit: m, min: 0, max: 20 }} }}");
        }

        return _errors.Count > errorsBefore ? null : new KindDefinition(name, metrics.ToImmutable(), title, code, offline, interval);
    }

    private MetricDefinition? ReadMetric(YamlNode key, YamlNode value, string path, DeviceKind? known)
    {
        var name = (key as YamlScalarNode)?.Value ?? "";
        if (!KindFile.IsMetricName(name))
        {
            Add(key, path, $"metric '{name}' must be 1-64 characters of A-Z, a-z, 0-9 or _");
            return null;
        }

        path = Join(path, name);
        if (IsNull(value))
        {
            return new MetricDefinition(name);
        }

        if (value is not YamlMappingNode map)
        {
            Add(value, path, "a metric is a mapping: { unit: ..., min: ..., max: ... }");
            return null;
        }

        var fields = Fields(map, path, _metricKeys);
        var unit = OptionalText(fields, path, "unit");
        var min = fields.TryGetValue("min", out var minField) ? ReadNumber(minField.Value, Join(path, "min")) : null;
        var max = fields.TryGetValue("max", out var maxField) ? ReadNumber(maxField.Value, Join(path, "max")) : null;
        var before = known?.Metrics.FirstOrDefault(m => m.Name == name);
        var low = min ?? before?.Min ?? double.NegativeInfinity;
        var high = max ?? before?.Max ?? double.PositiveInfinity;
        if (low > high)
        {
            Add(maxField.Value ?? minField.Value ?? map, Join(path, max is null ? "min" : "max"), $"the physical range is empty: min {Number(low)} is above max {Number(high)}");
            return null;
        }

        return new MetricDefinition(name, unit, min, max);
    }

    private YamlNode? LoadRoot(string text)
    {
        if (text.Length > MaxFileLength)
        {
            _errors.Add(new RuleError(_file, 1, 1, "file", $"the file is {text.Length:N0} characters long; it may hold at most {MaxFileLength:N0}"));
            return null;
        }

        var body = text.StartsWith('\uFEFF') ? text[1..] : text;
        if (Prescan(body) is { } refused)
        {
            Add(refused.Where, "yaml", refused.Message);
            return null;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(body));
        }
        catch (YamlException ex)
        {
            Add(ex.Start, "yaml", DescribeSyntaxError(ex));
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            _errors.Add(new RuleError(_file, 1, 1, "yaml", "not valid YAML: " + ex.Message.Split(" (Parameter", 2)[0]));
            return null;
        }

        return stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode) ? null : stream.Documents[0].RootNode;
    }
}
