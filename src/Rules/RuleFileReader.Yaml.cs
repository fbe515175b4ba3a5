using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityOps.Rules;

/// <summary>YAML helpers of the reader: fields, typed values, errors with line and column, and suggestions for unknown keys.</summary>
internal sealed partial class RuleFileReader
{
    /// <summary>The keys of a mapping by name; unknown and non-text keys are reported and left out.</summary>
    private Dictionary<string, (YamlScalarNode Key, YamlNode Value)> Fields(YamlMappingNode map, string path, string[] allowed)
    {
        var fields = new Dictionary<string, (YamlScalarNode, YamlNode)>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } name } key)
            {
                Add(keyNode, path.Length == 0 ? "yaml" : path, "keys must be plain names such as id or kind");
                continue;
            }

            if (Array.IndexOf(allowed, name) < 0)
            {
                Add(key, Join(path, name), UnknownKey(name, allowed));
                continue;
            }

            fields[name] = (key, value);
        }

        return fields;
    }

    private string? RequiredText(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, YamlMappingNode owner, string path, string key, string missing)
    {
        if (!fields.TryGetValue(key, out var field))
        {
            Add(owner, Join(path, key), missing);
            return null;
        }

        if (!TryText(field.Value, Join(path, key), out var text))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            Add(field.Value, Join(path, key), missing);
            return null;
        }

        return text.Trim();
    }

    private string? OptionalText(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, string key, bool trim = true)
    {
        if (!fields.TryGetValue(key, out var field) || !TryText(field.Value, Join(path, key), out var text) || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return trim ? text.Trim() : text;
    }

    private TimeSpan? OptionalDuration(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, string key)
    {
        var text = OptionalText(fields, path, key);
        if (text is null)
        {
            return null;
        }

        if (Durations.TryParse(text, out var duration))
        {
            return duration;
        }

        var message = text.All(char.IsAsciiDigit)
            ? $"'{text}' has no unit; write e.g. {text}s or {text}m (only 0 stands alone)"
            : $"'{text}' is not a duration; write whole numbers with units d, h, m, s, largest first, e.g. 30s, 5m, 1h30m, 2d, or 0";
        Add(fields[key].Value, Join(path, key), message);
        return null;
    }

    private double? ReadNumber(YamlNode node, string field)
    {
        if (!TryText(node, field, out var text))
        {
            return null;
        }

        if (text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return number;
        }

        Add(node, field, text is null ? "a number is required here" : $"'{text}' is not a number");
        return null;
    }

    private bool TryText(YamlNode node, string field, out string? text)
    {
        text = null;
        if (node is YamlScalarNode scalar)
        {
            text = IsNull(scalar) ? null : scalar.Value;
            return true;
        }

        Add(node, field, node is YamlSequenceNode ? "expected a single value here, not a list" : "expected a single value here, not a mapping");
        return false;
    }

    private void Add(YamlNode node, string field, string message) => Add(node.Start, field, message);

    private void Add(Mark mark, string field, string message) =>
        _errors.Add(new RuleError(_file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), field, message));

    private static int Line(YamlNode node) => (int)node.Start.Line;

    private static int Column(YamlNode node) => (int)node.Start.Column;

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string Name(Severity severity) => SeverityNames.ToName(severity);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static bool IsValidId(string id) => id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    private static string DescribeSyntaxError(YamlException ex)
    {
        var message = ex.Message.Trim();
        return message.StartsWith("Duplicate key", StringComparison.Ordinal)
            ? $"the key '{message["Duplicate key".Length..].Trim()}' appears twice in the same mapping"
            : $"not valid YAML: {message}";
    }

    private static string UnknownKey(string name, string[] allowed)
    {
        var suggestion = allowed
            .Select(candidate => (candidate, distance: Distance(name.ToLowerInvariant(), candidate)))
            .Where(c => c.distance <= Math.Max(1, c.candidate.Length / 3))
            .OrderBy(c => c.distance)
            .Select(c => c.candidate)
            .FirstOrDefault();
        var hint = suggestion is null ? "" : $"; did you mean '{suggestion}'?";
        return $"unknown key '{name}'{hint} (allowed here: {string.Join(", ", allowed)})";
    }

    // Levenshtein distance, only for "did you mean" hints on short keys.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
