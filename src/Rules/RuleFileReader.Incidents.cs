using CityOps.Rules.Incidents;
using YamlDotNet.RepresentationModel;

namespace CityOps.Rules;

/// <summary>The <c>incidents:</c> list of a rule file (CONTRACT §8). Rule ids they name are checked once every file is read.</summary>
internal sealed partial class RuleFileReader
{
    private static readonly string[] _incidentKeys = ["id", "rules", "group", "zones", "within", "min", "case", "description"];

    /// <summary>The incident rules read from the file.</summary>
    public List<IncidentRule> Incidents { get; } = [];

    /// <summary>The rule ids the file names, to be checked against the whole rule set.</summary>
    public List<RuleReference> References { get; } = [];

    private void ReadIncidents(YamlNode list)
    {
        if (IsNull(list))
        {
            return;
        }

        if (list is not YamlSequenceNode sequence)
        {
            Add(list, "incidents", "'incidents:' must be a list, each incident starting with '- id: ...'");
            return;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (ReadIncident(sequence.Children[i], $"incidents[{i}]") is { } incident)
            {
                Incidents.Add(incident);
            }
        }
    }

    private IncidentRule? ReadIncident(YamlNode node, string path)
    {
        const string Example = "e.g. - { id: underpass-flood, rules: [waterlog-depth], group: zone, within: 10m, min: 2, case: { code: \"0406\", title: \"{zone.name} 多点积水 ({count} 处)\" } }";
        if (node is not YamlMappingNode map)
        {
            Add(node, path, "each incident is a mapping, " + Example);
            return null;
        }

        var errorsBefore = _errors.Count;
        var fields = Fields(map, path, _incidentKeys);
        var id = RequiredText(fields, map, path, "id", "every incident needs an id, e.g. id: underpass-flood");
        if (id is not null)
        {
            var idNode = fields["id"].Value;
            if (!IsValidId(id))
            {
                Add(idNode, Join(path, "id"), $"id '{id}' may hold only lower-case letters a-z, digits 0-9 and '-'");
            }
            else if (_ids.TryGetValue(id, out var first))
            {
                Add(idNode, Join(path, "id"), $"id '{id}' is already used at {first}; rule and incident ids must be unique across all rule files");
            }
            else
            {
                _ids[id] = $"{_file}:{Line(idNode)}";
            }
        }

        var ruleIds = ReadIdList(fields, map, path, "rules", id ?? "?", required: true);
        var zones = ReadIdList(fields, map, path, "zones", id ?? "?", required: false);
        var groupText = RequiredText(fields, map, path, "group", "group is required: " + IncidentGrouping.Forms);
        var group = groupText is null ? null : IncidentGrouping.Parse(groupText);
        if (groupText is not null && group is null)
        {
            Add(fields["group"].Value, Join(path, "group"), $"unknown group '{groupText}'; use {IncidentGrouping.Forms}");
        }

        foreach (var (zone, zoneNode) in zones)
        {
            if (_options.Zones is { } known && !known.HasZone(zone))
            {
                Add(zoneNode, Join(path, "zones"), $"unknown zone '{zone}'; upload it with PUT /api/v1/zones first");
            }
        }

        var within = OptionalDuration(fields, path, "within");
        if (within is null && !fields.ContainsKey("within"))
        {
            Add(map, Join(path, "within"), "within is required: how close together the alarms are raised, e.g. within: 10m");
        }
        else if (within == TimeSpan.Zero)
        {
            Add(fields["within"].Value, Join(path, "within"), "within needs a window longer than 0, e.g. within: 10m");
        }

        var min = 2;
        if (fields.TryGetValue("min", out var minField) && ReadNumber(minField.Value, Join(path, "min")) is { } number)
        {
            if (number < 2 || number != Math.Floor(number) || number > 100_000)
            {
                Add(minField.Value, Join(path, "min"), "min is a whole number of devices from 2 up (one device is an alarm, not an incident)");
            }
            else
            {
                min = (int)number;
            }
        }

        var caseTemplate = ReadCase(fields, map, path, maintenance: false);
        if (_errors.Count > errorsBefore || id is null || group is null || within is null || caseTemplate is null)
        {
            return null;
        }

        return new IncidentRule
        {
            Id = id,
            RuleIds = [.. ruleIds.Select(r => r.Id)],
            Group = group,
            Zones = [.. zones.Select(z => z.Id)],
            Within = within.Value,
            Min = min,
            Case = caseTemplate,
            SourceFile = _file,
            SourceLine = Line(map),
        };
    }

    /// <summary><c>inhibits: [rule ids]</c> of a rule: alarms of those rules on the devices whose <c>parent</c> is this device are suppressed.</summary>
    private ImmutableArray<string> ReadInhibits(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, YamlMappingNode rule, string path, string? ruleId) =>
        [.. ReadIdList(fields, rule, path, "inhibits", ruleId ?? "?", required: false).Select(r => r.Id).Distinct(StringComparer.Ordinal)];

    // A list of ids (rules:, zones: or inhibits:); rule ids are remembered to be checked against the whole rule set.
    private List<(string Id, YamlNode Node)> ReadIdList(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, YamlMappingNode owner, string path, string key, string ownerId, bool required)
    {
        var ids = new List<(string, YamlNode)>();
        var listPath = Join(path, key);
        if (!fields.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            if (required)
            {
                Add(fields.ContainsKey(key) ? field.Value : owner, listPath, $"{key} is required: a list of rule ids, e.g. {key}: [waterlog-depth]");
            }

            return ids;
        }

        if (field.Value is not YamlSequenceNode list || list.Children.Count == 0)
        {
            Add(field.Value, listPath, $"{key} is a list of ids, e.g. {key}: [{(key == "zones" ? "flood-underpasses" : "waterlog-depth")}]");
            return ids;
        }

        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            if (!TryText(item, $"{listPath}[{i}]", out var text) || string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            ids.Add((text.Trim(), item));
            if (key is "rules" or "inhibits")
            {
                References.Add(new RuleReference(_file, Line(item), Column(item), $"{listPath}[{i}]", text.Trim(), ownerId, Groups: key == "rules"));
            }
        }

        return ids;
    }
}
