using CityOps.Rules.Expressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityOps.Rules;

/// <summary>The conditions of a rule: <c>where:</c> expressions, <c>when:</c>, zones and counts.</summary>
internal sealed partial class RuleFileReader
{
    private CompiledExpression? ReadWhere(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, string kind)
    {
        var node = (YamlScalarNode)fields["where"].Value;
        var compiled = Compiler.Compile(node.Value ?? "", _options.Kinds.Get(kind), out var problems);
        foreach (var problem in problems)
        {
            var (line, column) = PositionIn(node, problem.Offset);
            _errors.Add(new RuleError(_file, line, column, Join(path, "where"), problem.Message));
        }

        return compiled;
    }

    /// <summary>The file line and column (1-based) of a character of a scalar's value.</summary>
    private (int Line, int Column) PositionIn(YamlScalarNode node, int offset)
    {
        var line = (int)node.Start.Line;
        var column = (int)node.Start.Column;
        var value = node.Value ?? "";
        offset = Math.Clamp(offset, 0, value.Length);
        switch (node.Style)
        {
            case ScalarStyle.Literal or ScalarStyle.Folded:
                // The text starts on the line after the | or > indicator, indented; literal keeps its line breaks.
                var before = value[..offset];
                var lineIndex = node.Style == ScalarStyle.Literal ? before.Count(c => c == '\n') : 0;
                var lineStart = before.LastIndexOf('\n') + 1;
                var fileLine = line + 1 + lineIndex;
                var indent = line < _lines.Length ? _lines[line].Length - _lines[line].TrimStart(' ').Length : 0;
                return (fileLine, indent + (offset - lineStart) + 1);
            case ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted:
                return value.Contains('\n') ? (line, column) : (line, column + 1 + offset);
            default:
                return value.Contains('\n') ? (line, column) : (line, column + offset);
        }
    }

    private SunCondition ReadWhen(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, string? when)
    {
        switch (when)
        {
            case null:
                return SunCondition.Any;
            case "night":
                return SunCondition.Night;
            case "day":
                return SunCondition.Day;
            default:
                Add(fields["when"].Value, Join(path, "when"), $"unknown when: '{when}'; use night (sun below the horizon at the device) or day");
                return SunCondition.Any;
        }
    }

    private string? ReadZone(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, string? inside, string? outside)
    {
        if (inside is not null && outside is not null)
        {
            Add(fields["outside"].Key, Join(path, "outside"), "a rule has inside: or outside:, not both; write two rules");
            return null;
        }

        var key = inside is not null ? "inside" : "outside";
        var text = inside ?? outside;
        if (text is null)
        {
            return null;
        }

        const string ZonePrefix = "zone:";
        var zoneId = text.StartsWith(ZonePrefix, StringComparison.Ordinal) ? text[ZonePrefix.Length..].Trim() : "";
        if (zoneId.Length == 0)
        {
            Add(fields[key].Value, Join(path, key), $"'{text}' is not a zone reference; write {key}: zone:<id>, with the id of a geofence from PUT /api/v1/zones, e.g. zone:muck-routes");
            return null;
        }

        if (_options.Zones is { } zones && !zones.HasZone(zoneId))
        {
            Add(fields[key].Value, Join(path, key), $"unknown zone '{zoneId}': no geofence with this id in the zones in force (PUT /api/v1/zones)");
        }

        return zoneId;
    }

    private int? ReadCount(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path)
    {
        var text = OptionalText(fields, path, "count");
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= 10_000)
        {
            return count;
        }

        Add(fields["count"].Value, Join(path, "count"), $"'{text}' is not a count; write a whole number of consecutive readings from 1 to 10000, e.g. count: 3");
        return null;
    }
}
