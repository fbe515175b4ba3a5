using CityOps.Rules.Faults;
using CityOps.Rules.Trends;
using YamlDotNet.RepresentationModel;

namespace CityOps.Rules;

/// <summary>The forms judged from a metric's history: <c>stuck:</c> and <c>jump:</c> (sensor faults), <c>predict:</c> (trend pre-alert).</summary>
internal sealed partial class RuleFileReader
{
    private static readonly string[] _seriesKeys = ["stuck", "jump", "predict"];
    private static readonly string[] _stuckKeys = ["metric", "for", "tolerance"];
    private static readonly string[] _jumpKeys = ["metric", "above", "per"];
    private static readonly string[] _predictKeys = ["metric", "reaches", "within", "over"];

    /// <summary>The one stuck:/jump:/predict: of a rule; null when it has none (or it is broken, with errors added).</summary>
    private SeriesForm? ReadSeries(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, string? kind, bool knownKind)
    {
        var present = _seriesKeys.Where(fields.ContainsKey).ToList();
        if (present.Count == 0)
        {
            return null;
        }

        if (present.Count > 1)
        {
            Add(fields[present[1]].Key, Join(path, present[1]), $"a rule has one of stuck:, jump: or predict:; write a second rule for {present[1]}:");
            return null;
        }

        var key = present[0];
        var formPath = Join(path, key);
        var (keyNode, value) = fields[key];
        if (fields.TryGetValue("metric", out var topMetric))
        {
            Add(topMetric.Key, Join(path, "metric"), $"the metric of a {key}: rule is named inside it, e.g. {key}: {{ metric: depth_cm, ... }}; remove the rule's own metric:");
        }

        if (value is not YamlMappingNode map)
        {
            Add(value, formPath, key switch
            {
                "stuck" => "stuck is a mapping, e.g. stuck: { metric: depth_cm, for: 6h, tolerance: 0.5 }",
                "jump" => "jump is a mapping, e.g. jump: { metric: depth_cm, above: 30, per: 1m }",
                _ => "predict is a mapping, e.g. predict: { metric: depth_cm, reaches: 50, within: 15m, over: 10m }",
            });
            return null;
        }

        var errorsBefore = _errors.Count;
        var formFields = Fields(map, formPath, key switch { "stuck" => _stuckKeys, "jump" => _jumpKeys, _ => _predictKeys });
        var metric = RequiredText(formFields, map, formPath, "metric", $"{key}: needs the metric it watches, e.g. metric: depth_cm");
        if (metric is not null && knownKind && !_options.Kinds.IsKnownMetric(kind, metric))
        {
            Add(formFields["metric"].Value, Join(formPath, "metric"), $"unknown metric '{metric}' for kind '{kind}'; {kind} devices report {string.Join(", ", _options.Kinds.MetricsOf(kind!))}");
        }

        SeriesForm? form = key switch
        {
            "stuck" => ReadStuck(formFields, map, formPath) is { } stuck ? new SeriesForm(metric!, keyNode, stuck, null, null) : null,
            "jump" => ReadJump(formFields, map, formPath) is { } jump ? new SeriesForm(metric!, keyNode, null, jump, null) : null,
            _ => ReadPredict(formFields, map, formPath) is { } predict ? new SeriesForm(metric!, keyNode, null, null, predict) : null,
        };
        if (form?.Predict is { } fit && knownKind && _options.Kinds.Find(kind)?.ReportInterval is { } interval && fit.Over < interval * 2)
        {
            // The fit needs three readings within over: at one every interval, over must span two intervals at least.
            Add(formFields["over"].Value, Join(formPath, "over"),
                $"over {Durations.Format(fit.Over)} is shorter than two reporting intervals of a {kind} ({Durations.Format(interval)}, the kind's interval:): the line needs three readings within over; make it at least {Durations.Format(interval * 2)}");
        }

        return _errors.Count > errorsBefore ? null : form;
    }

    private StuckCondition? ReadStuck(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, YamlMappingNode map, string path)
    {
        var span = PositiveDuration(fields, map, path, "for", "stuck: needs for:, how long an unchanged value means a frozen sensor, e.g. for: 6h");
        var tolerance = 0.0;
        if (fields.TryGetValue("tolerance", out var t) && ReadNumber(t.Value, Join(path, "tolerance")) is { } number)
        {
            if (number < 0)
            {
                Add(t.Value, Join(path, "tolerance"), "tolerance cannot be negative; it is how far the values may spread and still count as unchanged");
            }

            tolerance = number;
        }

        return span is { } s ? new StuckCondition(s, tolerance) : null;
    }

    private JumpCondition? ReadJump(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, YamlMappingNode map, string path)
    {
        var above = RequiredNumber(fields, map, path, "above", "jump: needs above:, the change no real value makes within per:, e.g. above: 30");
        if (above is <= 0)
        {
            Add(fields["above"].Value, Join(path, "above"), "above must be more than 0");
        }

        var per = PositiveDuration(fields, map, path, "per", "jump: needs per:, the time within which the change is impossible, e.g. per: 1m");
        return above is > 0 && per is { } p ? new JumpCondition(above.Value, p) : null;
    }

    private PredictCondition? ReadPredict(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, YamlMappingNode map, string path)
    {
        var reaches = RequiredNumber(fields, map, path, "reaches", "predict: needs reaches:, the value the trend is feared to reach, e.g. reaches: 50");
        var within = PositiveDuration(fields, map, path, "within", "predict: needs within:, how far ahead to warn, e.g. within: 15m");
        var over = PositiveDuration(fields, map, path, "over", "predict: needs over:, the span of readings the line is fitted to, e.g. over: 10m");
        return reaches is { } r && within is { } w && over is { } o ? new PredictCondition(r, w, o) : null;
    }

    private double? RequiredNumber(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, YamlMappingNode owner, string path, string key, string missing)
    {
        if (!fields.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            Add(fields.ContainsKey(key) ? field.Value : owner, Join(path, key), missing);
            return null;
        }

        return ReadNumber(field.Value, Join(path, key));
    }

    private TimeSpan? PositiveDuration(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, YamlMappingNode owner, string path, string key, string missing)
    {
        if (!fields.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            Add(fields.ContainsKey(key) ? field.Value : owner, Join(path, key), missing);
            return null;
        }

        var errorsBefore = _errors.Count;
        var duration = OptionalDuration(fields, path, key);
        if (duration == TimeSpan.Zero)
        {
            Add(field.Value, Join(path, key), $"{key} must be longer than 0");
            return null;
        }

        return _errors.Count > errorsBefore ? null : duration;
    }

    /// <summary>A parsed stuck:/jump:/predict: with its metric; <see cref="Key"/> is where to point errors about the form as a whole.</summary>
    private sealed record SeriesForm(string Metric, YamlScalarNode Key, StuckCondition? Stuck, JumpCondition? Jump, PredictCondition? Predict);
}
