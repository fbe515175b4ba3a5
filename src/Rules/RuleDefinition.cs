using System.Text;

namespace CityOps.Rules;

/// <summary>A rule's meaning as one canonical line, independent of YAML layout and comments: how versions are diffed.</summary>
public static class RuleDefinition
{
    public static string Describe(Rule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var text = new StringBuilder();
        text.Append("kind=").Append(rule.Kind);
        Append(text, "metric", rule.Metric);
        if (!rule.Levels.IsDefaultOrEmpty)
        {
            text.Append(" levels=");
            foreach (var level in rule.Levels)
            {
                text.Append(SeverityNames.ToName(level.Severity));
                if (level.HasThreshold)
                {
                    text.Append(rule.Direction == ThresholdDirection.Above ? '>' : '<').Append(level.Threshold.ToString("R", CultureInfo.InvariantCulture));
                }

                text.Append(',');
            }
        }

        Append(text, "for", rule.For == TimeSpan.Zero ? null : Durations.Format(rule.For));
        Append(text, "count", rule.Count?.ToString(CultureInfo.InvariantCulture));
        if (rule.Clear != ClearPolicy.Immediate)
        {
            Append(text, "clear", rule.Clear.Hysteresis.ToString("R", CultureInfo.InvariantCulture) + "/" + Durations.Format(rule.Clear.For));
        }

        Append(text, "offline", rule.Offline is { } offline ? Durations.Format(offline) : null);
        Append(text, "when", rule.When);
        Append(text, "inside", rule.Inside);
        Append(text, "outside", rule.Outside);
        Append(text, "where", rule.Where?.Trim());
        Append(text, "code", rule.Case.Code);
        Append(text, "title", rule.Case.Title);
        // Only what differs from the default, so definitions written before the alarm desk stay equal.
        Append(text, "file", rule.Case.File == FilingMode.Auto ? null : rule.Case.File.ToString().ToLowerInvariant());
        Append(text, "fileFrom", rule.Case.FileFrom is { } from ? SeverityNames.ToName(from) : null);
        Append(text, "maintenance", rule.Maintenance ? "true" : null);
        Append(text, "flapping", rule.Flapping is { } flapping ? flapping.Changes.ToString(CultureInfo.InvariantCulture) + "/" + Durations.Format(flapping.Within) : null);
        if (!rule.Escalate.IsDefaultOrEmpty)
        {
            Append(text, "escalate", string.Join(',', rule.Escalate.Select(s =>
                Durations.Format(s.After) + ">" + SeverityNames.ToName(s.To) + (s.UnlessAcknowledged ? "/unacknowledged" : ""))));
        }

        Append(text, "remind", rule.Remind is { } remind ? Durations.Format(remind) : null);
        Append(text, "stuck", rule.Stuck is { } stuck ? Durations.Format(stuck.For) + "/" + Number(stuck.Tolerance) : null);
        Append(text, "jump", rule.Jump is { } jump ? Number(jump.Above) + "/" + Durations.Format(jump.Per) : null);
        Append(text, "range", rule.Range is { } range ? Number(range.Min) + "/" + Number(range.Max) : null);
        Append(text, "predict", rule.Predict is { } predict
            ? Number(predict.Reaches) + "/" + Durations.Format(predict.Within) + "/" + Durations.Format(predict.Over)
            : null);
        Append(text, "inhibits", rule.Inhibits.IsDefaultOrEmpty ? null : string.Join(',', rule.Inhibits));
        return text.ToString();
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void Append(StringBuilder text, string key, string? value)
    {
        if (value is not null)
        {
            text.Append(' ').Append(key).Append('=').Append(value);
        }
    }
}
