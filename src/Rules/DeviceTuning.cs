namespace CityOps.Rules;

/// <summary>
/// Per-device overrides of a rule through device attributes, so one low underpass gauge can alarm earlier than the rest
/// without a rule of its own. The attribute names (rules refer to them as <c>device.threshold.&lt;rule-id&gt;…</c>):
/// <list type="bullet">
/// <item><c>threshold.&lt;rule-id&gt;.&lt;severity&gt;</c> = number: that level's threshold, e.g. <c>threshold.waterlog-depth.red = 35</c>;</item>
/// <item><c>threshold.&lt;rule-id&gt;</c> = number: the threshold of a rule with a single level, e.g. <c>threshold.vehicle-speeding = 40</c>
/// is refused for a two-level rule (name the severity instead);</item>
/// <item><c>threshold.&lt;rule-id&gt;.offline</c> = duration: an offline rule's silence for this device, e.g. <c>2h</c>.</item>
/// </list>
/// The ladder must stay in order after the overrides (above: rising, below: falling); an override that breaks it, or that
/// names an unknown severity or is not a number, is ignored as a whole for that rule and reported.
/// </summary>
public static class DeviceTuning
{
    public const string Prefix = "threshold.";

    /// <summary>The device's tuning of <paramref name="rule"/>, or null when it has none (or only invalid ones, added to <paramref name="problems"/>).</summary>
    public static RuleTuning? Resolve(Rule rule, IReadOnlyDictionary<string, string> attributes, ICollection<string>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(attributes);
        var key = Prefix + rule.Id;
        double[]? thresholds = null;
        TimeSpan? offline = null;
        var failed = false;
        foreach (var (name, text) in attributes)
        {
            if (!name.StartsWith(key, StringComparison.Ordinal) || (name.Length > key.Length && name[key.Length] != '.'))
            {
                continue;
            }

            var part = name.Length == key.Length ? "" : name[(key.Length + 1)..];
            if (part == "offline")
            {
                if (!rule.IsOffline || !Durations.TryParse(text, out var window) || window <= TimeSpan.Zero)
                {
                    failed = Report(problems, name, rule.IsOffline ? $"'{text}' is not a duration such as 30m or 2h" : $"rule {rule.Id} is not an offline rule");
                    continue;
                }

                offline = window;
                continue;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
            {
                failed = Report(problems, name, $"'{text}' is not a number");
                continue;
            }

            if (rule.Thresholds.IsDefaultOrEmpty)
            {
                failed = Report(problems, name, $"rule {rule.Id} has no above:/below: thresholds to override");
                continue;
            }

            int index;
            if (part.Length == 0)
            {
                if (rule.Thresholds.Length != 1)
                {
                    failed = Report(problems, name, $"rule {rule.Id} has {rule.Thresholds.Length} levels; name one, e.g. {key}.{SeverityNames.ToName(rule.Levels[^1].Severity)}");
                    continue;
                }

                index = 0;
            }
            else if (!SeverityNames.TryParse(part, out var severity) || (index = IndexOf(rule, severity)) < 0)
            {
                failed = Report(problems, name, $"rule {rule.Id} has no level '{part}'; its levels are {string.Join(", ", rule.Levels.Select(l => SeverityNames.ToName(l.Severity)))}");
                continue;
            }

            thresholds ??= [.. rule.Thresholds];
            thresholds[index] = number;
        }

        if (thresholds is not null && !InOrder(rule.Direction, thresholds))
        {
            failed = Report(problems, key, $"the overridden ladder {string.Join(", ", thresholds.Select(t => t.ToString(CultureInfo.InvariantCulture)))} is out of order for {(rule.Direction == ThresholdDirection.Above ? "above" : "below")}: levels");
        }

        if (failed)
        {
            return null;
        }

        return thresholds is null && offline is null ? null : new RuleTuning(thresholds is null ? rule.Thresholds : [.. thresholds], offline);
    }

    private static int IndexOf(Rule rule, Severity severity)
    {
        for (var i = 0; i < rule.Levels.Length; i++)
        {
            if (rule.Levels[i].Severity == severity)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool InOrder(ThresholdDirection direction, double[] thresholds)
    {
        for (var i = 1; i < thresholds.Length; i++)
        {
            if (direction == ThresholdDirection.Above ? thresholds[i] <= thresholds[i - 1] : thresholds[i] >= thresholds[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    private static bool Report(ICollection<string>? problems, string attribute, string message)
    {
        problems?.Add($"device attribute {attribute}: {message}; ignored");
        return true;
    }
}
