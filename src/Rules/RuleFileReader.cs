using System.Collections.Immutable;
using System.Globalization;
using CityOps.Rules.Expressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityOps.Rules;

/// <summary>
/// Reads one rule file through YamlDotNet's representation model, which keeps the line and column of every node,
/// and reports every problem it finds instead of stopping at the first: an engineer fixing a file wants the whole list.
/// </summary>
internal sealed class RuleFileReader
{
    private static readonly string[] _topKeys = ["rules"];
    private static readonly string[] _ruleKeys = ["id", "kind", "description", "metric", "levels", "for", "clear", "offline", "where", "when", "inside", "outside", "count", "case", "maintenance", "flapping", "escalate", "remind"];
    private static readonly string[] _conditionKeys = ["where", "when", "inside", "outside", "count"];
    private static readonly string[] _levelKeys = ["severity", "above", "below"];
    private static readonly string[] _clearKeys = ["hysteresis", "for"];
    private static readonly string[] _flappingKeys = ["changes", "within"];
    private static readonly string[] _escalateKeys = ["after", "to", "unless"];
    private static readonly string[] _caseKeys = ["code", "title", "file", "fileFrom"];

    /// <summary>Largest rule file read (characters); the shipped files are a few KiB.</summary>
    public const int MaxFileLength = 1024 * 1024;

    /// <summary>Deepest nesting of YAML mappings and sequences; a rule file needs five levels.</summary>
    public const int MaxYamlDepth = 32;

    private readonly string _file;
    private readonly List<RuleError> _errors;
    private readonly Dictionary<string, string> _ids;
    private readonly RuleParseOptions _options;
    private string[] _lines = [];

    /// <param name="ids">Rule ids seen so far in this rule set, with where each was defined; shared across files.</param>
    public RuleFileReader(string file, List<RuleError> errors, Dictionary<string, string> ids, RuleParseOptions options)
    {
        _file = file;
        _errors = errors;
        _ids = ids;
        _options = options;
    }

    public List<Rule> Read(string text)
    {
        var rules = new List<Rule>();
        _lines = text.Split('\n');
        var stream = new YamlStream();
        if (text.Length > MaxFileLength)
        {
            _errors.Add(new RuleError(_file, 1, 1, "file", $"the file is {text.Length:N0} characters long; a rule file may hold at most {MaxFileLength:N0}"));
            return rules;
        }

        try
        {
            // A byte-order mark survives some editors' "save as UTF-8"; it is not YAML content.
            var body = text.StartsWith('\uFEFF') ? text[1..] : text;

            // YamlDotNet builds its node tree recursively: refuse absurd nesting from its event stream first,
            // rather than let a hostile file exhaust the stack.
            if (Prescan(body) is { } refused)
            {
                Add(refused.Where, "yaml", refused.Message);
                return rules;
            }

            stream.Load(new StringReader(body));
        }
        catch (YamlException ex)
        {
            Add(ex.Start, "yaml", DescribeSyntaxError(ex));
            return rules;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // YamlDotNet's node model refuses some event sequences its parser accepts (e.g. "- : value", a key-less
            // entry opening a mapping) with these instead of a YamlException, and without a position.
            _errors.Add(new RuleError(_file, 1, 1, "yaml", "not valid YAML: " + ex.Message.Split(" (Parameter", 2)[0] + " Look for a key missing before ':' or a stray '-', '?' or '!'."));
            return rules;
        }

        if (stream.Documents.Count == 0)
        {
            return rules;
        }

        if (stream.Documents.Count > 1)
        {
            Add(stream.Documents[1].RootNode, "yaml", "a rule file holds one YAML document; move what follows '---' into its own file");
        }

        var root = stream.Documents[0].RootNode;
        if (IsNull(root))
        {
            return rules;
        }

        if (root is not YamlMappingNode top)
        {
            Add(root, "rules", "a rule file starts with 'rules:' followed by a list of rules");
            return rules;
        }

        var fields = Fields(top, "", _topKeys);
        if (!fields.TryGetValue("rules", out var list))
        {
            Add(top, "rules", "'rules:' is missing: a rule file holds its rules as a list under 'rules:'");
            return rules;
        }

        if (IsNull(list.Value))
        {
            return rules;
        }

        if (list.Value is not YamlSequenceNode sequence)
        {
            Add(list.Value, "rules", "'rules:' must be a list, each rule starting with '- id: ...'");
            return rules;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (ReadRule(sequence.Children[i], $"rules[{i}]") is { } rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    /// <summary>
    /// Walks the YAML events once: refuses nesting deeper than <see cref="MaxYamlDepth"/>, and turns the
    /// InvalidOperationException YamlDotNet's scanner throws on some broken plain scalars into a syntax error
    /// at the last place it read well.
    /// </summary>
    private static (Mark Where, string Message)? Prescan(string body)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(body));
        var depth = 0;
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                last = parser.Current!.End;
                switch (parser.Current)
                {
                    case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart when ++depth > MaxYamlDepth:
                        return (parser.Current.Start, $"mappings and lists are nested more than {MaxYamlDepth} levels deep");
                    case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            return (last, "YAML syntax error after this point: check quotes, brackets and line breaks inside { } and [ ]");
        }

        return null;
    }

    private Rule? ReadRule(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            Add(node, path, "each rule is a mapping of keys (id, kind, metric, levels, case, ...)");
            return null;
        }

        var errorsBefore = _errors.Count;
        var fields = Fields(map, path, _ruleKeys);

        var id = RequiredText(fields, map, path, "id", "every rule needs an id, e.g. id: waterlog-depth");
        if (id is not null)
        {
            var idNode = fields["id"].Value;
            if (!IsValidId(id))
            {
                Add(idNode, Join(path, "id"), $"id '{id}' may hold only lower-case letters a-z, digits 0-9 and '-'");
            }
            else if (_ids.TryGetValue(id, out var first))
            {
                Add(idNode, Join(path, "id"), $"id '{id}' is already used at {first}; ids must be unique across all rule files");
            }
            else
            {
                _ids[id] = $"{_file}:{Line(idNode)}";
            }
        }

        var kind = RequiredText(fields, map, path, "kind", $"every rule needs a kind: {string.Join(", ", KindCatalog.Kinds)}");
        var knownKind = KindCatalog.IsKnownKind(kind);
        if (kind is not null && !knownKind)
        {
            Add(fields["kind"].Value, Join(path, "kind"), $"unknown kind '{kind}'; known kinds: {string.Join(", ", KindCatalog.Kinds)}");
        }

        var description = OptionalText(fields, path, "description", trim: false);
        var metric = OptionalText(fields, path, "metric");
        if (metric is not null && knownKind && !KindCatalog.IsKnownMetric(kind, metric))
        {
            Add(fields["metric"].Value, Join(path, "metric"), $"unknown metric '{metric}' for kind '{kind}'; {kind} devices report {string.Join(", ", KindCatalog.MetricsOf(kind!))}");
        }

        var offline = OptionalDuration(fields, path, "offline");
        if (offline == TimeSpan.Zero)
        {
            Add(fields["offline"].Value, Join(path, "offline"), "offline needs a silence longer than 0, e.g. offline: 30m");
        }

        var forDuration = OptionalDuration(fields, path, "for") ?? TimeSpan.Zero;
        var clear = ReadClear(fields, path);
        var where = OptionalText(fields, path, "where", trim: false);
        var whereExpression = where is not null && knownKind ? ReadWhere(fields, path, kind!) : null;
        var when = OptionalText(fields, path, "when");
        var sun = ReadWhen(fields, path, when);
        var inside = OptionalText(fields, path, "inside");
        var outside = OptionalText(fields, path, "outside");
        var zoneId = ReadZone(fields, path, inside, outside);
        var count = ReadCount(fields, path);
        var hasConditions = where is not null || when is not null || inside is not null || outside is not null;
        var levels = ReadLevels(fields, path, out var levelsValid);
        var maintenance = ReadMaintenance(fields, path);
        var flapping = ReadFlapping(fields, path);
        var caseTemplate = ReadCase(fields, map, path, maintenance);
        var lowest = levels is { Count: > 0 } && levels.Any(l => l.Severity != Severity.None)
            ? levels.Where(l => l.Severity != Severity.None).Min(l => l.Severity)
            : offline is not null ? Severity.Yellow : Severity.None;
        var escalate = ReadEscalate(fields, path, lowest);
        var remind = ReadRemind(fields, path);
        if (offline is not null)
        {
            CheckOfflineRule(fields, path, levels);
        }
        else if (levels is null || levels.Count == 0)
        {
            Add(levels is null ? map : fields["levels"].Value, Join(path, "levels"),
                "levels is required: a list such as - { severity: yellow, above: 27 }, least severe first");
        }
        else
        {
            var thresholdCount = levels.Count(l => l.Direction is not null);
            if (!hasConditions || thresholdCount > 0)
            {
                if (metric is null && !fields.ContainsKey("metric"))
                {
                    Add(map, Join(path, "metric"), knownKind
                        ? $"metric is required for a threshold rule; {kind} devices report {string.Join(", ", KindCatalog.MetricsOf(kind!))}"
                        : "metric is required for a threshold rule");
                }
                else if (metric is null && IsNull(fields["metric"].Value))
                {
                    Add(fields["metric"].Value, Join(path, "metric"), "metric is empty; name the metric the thresholds apply to");
                }
            }

            var missingThresholds = hasConditions && thresholdCount == 0 ? [] : levels.Where(l => l.Direction is null && l.SeverityNode is not null);
            foreach (var level in missingThresholds)
            {
                Add(level.Node, level.Path, hasConditions
                    ? "give every level above: or below:, or none of them"
                    : "this level needs above: or below: (only rules with where:, when:, inside: or outside: may leave it out)");
            }

            if (levelsValid && (thresholdCount == 0 || thresholdCount == levels.Count))
            {
                CheckLadder(levels);
            }

            if (hasConditions && thresholdCount == 0 && levels.Count > 1)
            {
                Add(levels[1].Node, Join(path, "levels"), "a rule without above:/below: thresholds has a single level, e.g. levels: [ { severity: yellow } ]");
            }

            if (thresholdCount == 0 && fields.TryGetValue("clear", out var clearField) && clearField.Value is YamlMappingNode clearMap
                && clearMap.Children.Any(c => c.Key is YamlScalarNode { Value: "hysteresis" }))
            {
                Add(clearField.Key, Join(path, "clear.hysteresis"), "hysteresis is a margin below/above a threshold; a rule without above:/below: clears when its conditions stop holding (keep clear.for)");
            }
        }

        if (count is not null && fields.TryGetValue("for", out var forWithCount))
        {
            Add(forWithCount.Key, Join(path, "for"), "for: and count: cannot be combined; use for: (how long) or count: (how many readings in a row)");
        }

        if (_errors.Count > errorsBefore || id is null || kind is null || caseTemplate is null)
        {
            return null;
        }

        var first0 = levels is { Count: > 0 } ? levels[0] : null;
        var thresholds = levels is null || levels.Any(l => l.Direction is null) ? [] : levels.Select(l => l.Threshold).ToArray();
        var metricSlot = metric is null ? -1 : KindCatalog.SlotOf(kind, metric);
        var required = new SortedSet<int>(whereExpression?.Slots ?? []);
        if (metricSlot >= 0)
        {
            required.Add(metricSlot);
        }

        return new Rule
        {
            Id = id,
            Kind = kind,
            Description = description,
            Metric = metric,
            Direction = first0?.Direction ?? ThresholdDirection.Above,
            Levels = levels is null ? [] : [.. levels.Select(l => new Level(l.Severity, l.Threshold))],
            Thresholds = [.. thresholds],
            For = forDuration,
            Clear = clear,
            Offline = offline,
            Case = caseTemplate,
            Maintenance = maintenance,
            Flapping = flapping,
            Escalate = escalate,
            Remind = remind,
            Where = where,
            WhereExpression = whereExpression,
            When = when,
            Sun = sun,
            Inside = inside,
            Outside = outside,
            ZoneId = zoneId,
            ZoneOutside = outside is not null,
            Count = count,
            MetricSlot = metricSlot,
            RequiredSlots = [.. required],
            SourceFile = _file,
            SourceLine = Line(map),
            SourceColumn = Column(map),
        };
    }

    private CompiledExpression? ReadWhere(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, string kind)
    {
        var node = (YamlScalarNode)fields["where"].Value;
        var compiled = Compiler.Compile(node.Value ?? "", kind, out var problems);
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

    private void CheckOfflineRule(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, List<ParsedLevel>? levels)
    {
        if (fields.TryGetValue("metric", out var metric))
        {
            Add(metric.Key, Join(path, "metric"), "an offline rule watches for silence, not a metric; remove metric: (or offline:)");
        }

        if (fields.TryGetValue("for", out var forField))
        {
            Add(forField.Key, Join(path, "for"), "an offline rule takes no for:; offline: itself is how long to wait");
        }

        if (fields.TryGetValue("clear", out var clear))
        {
            Add(clear.Key, Join(path, "clear"), "an offline rule clears when the next reading arrives; remove clear:");
        }

        foreach (var key in _conditionKeys)
        {
            if (fields.TryGetValue(key, out var condition))
            {
                Add(condition.Key, Join(path, key), $"offline: cannot be combined with {key}:");
            }
        }

        if (levels is { Count: > 1 })
        {
            Add(levels[1].Node, Join(path, "levels"), "an offline rule has one level at most, e.g. levels: [ { severity: orange } ]");
        }

        foreach (var level in levels ?? [])
        {
            if (level.ThresholdNode is not null)
            {
                Add(level.ThresholdNode, Join(level.Path, level.ThresholdKey), "an offline rule's level takes no above: or below:");
            }
        }
    }

    private void CheckLadder(List<ParsedLevel> levels)
    {
        var direction = levels[0].Direction;
        for (var j = 1; j < levels.Count; j++)
        {
            if (levels[j].Direction != direction)
            {
                Add(levels[j].ThresholdNode!, Join(levels[j].Path, levels[j].ThresholdKey),
                    $"levels mix above: and below:; one rule watches one direction (levels[0] uses {levels[0].ThresholdKey}:, write a second rule for the other)");
                return;
            }
        }

        for (var j = 1; j < levels.Count; j++)
        {
            var previous = levels[j - 1];
            var level = levels[j];
            if (level.Severity <= previous.Severity)
            {
                Add(level.SeverityNode!, Join(level.Path, "severity"),
                    $"levels overlap or are out of order: {Name(level.Severity)} follows {Name(previous.Severity)}; list each severity once, least severe first (blue, yellow, orange, red)");
            }
            else if (direction == ThresholdDirection.Above && level.Threshold <= previous.Threshold)
            {
                Add(level.ThresholdNode!, Join(level.Path, "above"),
                    $"levels overlap or are out of order: {Name(level.Severity)} above {Number(level.Threshold)} must be higher than {Name(previous.Severity)} above {Number(previous.Threshold)}");
            }
            else if (direction == ThresholdDirection.Below && level.Threshold >= previous.Threshold)
            {
                Add(level.ThresholdNode!, Join(level.Path, "below"),
                    $"levels overlap or are out of order: {Name(level.Severity)} below {Number(level.Threshold)} must be lower than {Name(previous.Severity)} below {Number(previous.Threshold)}");
            }
        }
    }

    private List<ParsedLevel>? ReadLevels(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, out bool valid)
    {
        valid = false;
        if (!fields.TryGetValue("levels", out var field) || IsNull(field.Value))
        {
            return null;
        }

        var levelsPath = Join(path, "levels");
        if (field.Value is not YamlSequenceNode sequence)
        {
            Add(field.Value, levelsPath, "levels is a list, e.g. levels: [ { severity: yellow, above: 27 }, { severity: red, above: 50 } ]");
            return [];
        }

        var errorsBefore = _errors.Count;
        var levels = new List<ParsedLevel>();
        for (var j = 0; j < sequence.Children.Count; j++)
        {
            var levelPath = $"{levelsPath}[{j}]";
            if (sequence.Children[j] is not YamlMappingNode map)
            {
                Add(sequence.Children[j], levelPath, "each level is a mapping like { severity: yellow, above: 27 }");
                continue;
            }

            var levelFields = Fields(map, levelPath, _levelKeys);
            var severity = Severity.None;
            YamlNode? severityNode = null;
            var severityText = RequiredText(levelFields, map, levelPath, "severity", "severity is required: blue, yellow, orange or red");
            if (severityText is not null)
            {
                severityNode = levelFields["severity"].Value;
                if (!SeverityNames.TryParse(severityText, out severity) || severity == Severity.None)
                {
                    Add(severityNode, Join(levelPath, "severity"), $"unknown severity '{severityText}'; use blue, yellow, orange or red");
                    severityNode = null;
                }
            }

            ThresholdDirection? direction = null;
            var threshold = double.NaN;
            YamlNode? thresholdNode = null;
            var hasAbove = levelFields.TryGetValue("above", out var above);
            var hasBelow = levelFields.TryGetValue("below", out var below);
            if (hasAbove && hasBelow)
            {
                Add(below.Key, levelPath, "a level has above: or below:, not both");
            }
            else if (hasAbove || hasBelow)
            {
                var (key, value) = hasAbove ? above : below;
                direction = hasAbove ? ThresholdDirection.Above : ThresholdDirection.Below;
                thresholdNode = value;
                threshold = ReadNumber(value, Join(levelPath, key.Value!)) ?? double.NaN;
            }

            levels.Add(new ParsedLevel(levelPath, map, severity, severityNode, direction, threshold, thresholdNode));
        }

        valid = _errors.Count == errorsBefore;
        return levels;
    }

    private ClearPolicy ReadClear(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path)
    {
        if (!fields.TryGetValue("clear", out var field) || IsNull(field.Value))
        {
            return ClearPolicy.Immediate;
        }

        var clearPath = Join(path, "clear");
        if (field.Value is not YamlMappingNode map)
        {
            Add(field.Value, clearPath, "clear is a mapping, e.g. clear: { hysteresis: 3, for: 5m }");
            return ClearPolicy.Immediate;
        }

        var clearFields = Fields(map, clearPath, _clearKeys);
        var hysteresis = 0.0;
        if (clearFields.TryGetValue("hysteresis", out var h) && !IsNull(h.Value)
            && ReadNumber(h.Value, Join(clearPath, "hysteresis")) is { } number)
        {
            if (number < 0)
            {
                Add(h.Value, Join(clearPath, "hysteresis"), "hysteresis cannot be negative; it is how far back inside the threshold the value must come");
            }
            else
            {
                hysteresis = number;
            }
        }

        var clearFor = OptionalDuration(clearFields, clearPath, "for") ?? TimeSpan.Zero;
        return hysteresis == 0 && clearFor == TimeSpan.Zero ? ClearPolicy.Immediate : new ClearPolicy(hysteresis, clearFor);
    }

    private FlappingPolicy? ReadFlapping(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path)
    {
        const string Example = "e.g. flapping: { changes: 4, within: 20m }";
        if (!fields.TryGetValue("flapping", out var field) || IsNull(field.Value))
        {
            return null;
        }

        var flappingPath = Join(path, "flapping");
        if (field.Value is not YamlMappingNode map)
        {
            Add(field.Value, flappingPath, $"flapping is a mapping, {Example}");
            return null;
        }

        var flappingFields = Fields(map, flappingPath, _flappingKeys);
        int? changes = null;
        if (!flappingFields.TryGetValue("changes", out var changesField))
        {
            Add(map, Join(flappingPath, "changes"), $"flapping.changes is required: how many raises and clears make an alarm flapping, {Example}");
        }
        else if (ReadNumber(changesField.Value, Join(flappingPath, "changes")) is { } number)
        {
            if (number < 2 || number != Math.Floor(number) || number > 1000)
            {
                Add(changesField.Value, Join(flappingPath, "changes"), "flapping.changes is a whole number from 2 to 1000");
            }
            else
            {
                changes = (int)number;
            }
        }

        var within = OptionalDuration(flappingFields, flappingPath, "within");
        if (within is null && !flappingFields.ContainsKey("within"))
        {
            Add(map, Join(flappingPath, "within"), $"flapping.within is required: the window the changes are counted in, {Example}");
        }
        else if (within == TimeSpan.Zero)
        {
            Add(flappingFields["within"].Value, Join(flappingPath, "within"), "flapping.within needs a window longer than 0, e.g. within: 20m");
            within = null;
        }

        return changes is { } c && within is { } w ? new FlappingPolicy(c, w) : null;
    }

    // escalate: [ { after: 30m, to: red, unless: acknowledged } ]: steps in order, each later and higher than the one before,
    // every to above the rule's lowest severity (what an alarm can be raised at).
    private ImmutableArray<EscalationStep> ReadEscalate(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, Severity lowest)
    {
        const string Example = "e.g. escalate: [ { after: 30m, to: red, unless: acknowledged } ]";
        if (!fields.TryGetValue("escalate", out var field) || IsNull(field.Value))
        {
            return [];
        }

        var escalatePath = Join(path, "escalate");
        if (field.Value is not YamlSequenceNode list || list.Children.Count == 0)
        {
            Add(field.Value, escalatePath, $"escalate is a list of steps, {Example}");
            return [];
        }

        var steps = new List<EscalationStep>();
        var valid = true;
        EscalationStep? previous = null;
        for (var i = 0; i < list.Children.Count; i++)
        {
            var node = list.Children[i];
            var stepPath = $"{escalatePath}[{i}]";
            if (node is not YamlMappingNode map)
            {
                Add(node, stepPath, $"each escalation step is a mapping, {Example}");
                valid = false;
                continue;
            }

            var stepFields = Fields(map, stepPath, _escalateKeys);
            var after = OptionalDuration(stepFields, stepPath, "after");
            if (after is null && !stepFields.ContainsKey("after"))
            {
                Add(map, Join(stepPath, "after"), $"escalate.after is required: how long after the alarm was raised, {Example}");
            }
            else if (after == TimeSpan.Zero)
            {
                Add(stepFields["after"].Value, Join(stepPath, "after"), "escalate.after needs a time longer than 0, e.g. after: 30m");
                after = null;
            }

            Severity? to = null;
            if (OptionalText(stepFields, stepPath, "to") is not { } toText)
            {
                Add(stepFields.TryGetValue("to", out var toField) ? toField.Value : map, Join(stepPath, "to"), $"escalate.to is required: the severity to escalate to, {Example}");
            }
            else if (!SeverityNames.TryParse(toText, out var parsed) || parsed == Severity.None)
            {
                Add(stepFields["to"].Value, Join(stepPath, "to"), $"unknown severity '{toText}' in escalate.to; use blue, yellow, orange or red");
            }
            else if (lowest != Severity.None && parsed <= lowest)
            {
                Add(stepFields["to"].Value, Join(stepPath, "to"), $"escalate.to must be above the rule's lowest severity ({Name(lowest)}): an alarm is raised at {Name(lowest)} at least");
            }
            else
            {
                to = parsed;
            }

            var unlessAcknowledged = false;
            switch (OptionalText(stepFields, stepPath, "unless"))
            {
                case null:
                    break;
                case "acknowledged":
                    unlessAcknowledged = true;
                    break;
                case var other:
                    Add(stepFields["unless"].Value, Join(stepPath, "unless"), $"unknown unless: '{other}'; the only condition is unless: acknowledged (leave it out to escalate regardless)");
                    valid = false;
                    break;
            }

            if (after is not { } a || to is not { } t)
            {
                valid = false;
                continue;
            }

            var step = new EscalationStep(a, t, unlessAcknowledged);
            if (previous is not null && (step.After <= previous.After || step.To <= previous.To))
            {
                Add(map, stepPath, $"escalation steps go in order: each after later and to higher than the step before ({Durations.Format(previous.After)} to {Name(previous.To)})");
                valid = false;
            }

            previous = step;
            steps.Add(step);
        }

        return valid ? [.. steps] : [];
    }

    private TimeSpan? ReadRemind(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path)
    {
        var remind = OptionalDuration(fields, path, "remind");
        if (remind is { } every && every < TimeSpan.FromMinutes(1))
        {
            Add(fields["remind"].Value, Join(path, "remind"), "remind needs an interval of at least 1m, e.g. remind: 15m (a reminder more often floods the hall and the webhook)");
            return null;
        }

        return remind;
    }

    private bool ReadMaintenance(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path)
    {
        switch (OptionalText(fields, path, "maintenance"))
        {
            case null or "false":
                return false;
            case "true":
                return true;
            default:
                Add(fields["maintenance"].Value, Join(path, "maintenance"), "maintenance is true or false (true: a device-health rule whose alarms go to the upkeep queue, never a case)");
                return false;
        }
    }

    private CaseTemplate? ReadCase(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, YamlMappingNode rule, string path, bool maintenance)
    {
        var casePath = Join(path, "case");
        const string Example = "e.g. case: { code: \"0406\", title: \"道路积水 {value} cm\" }";
        if (maintenance && (!fields.TryGetValue("case", out var maintenanceCase) || IsNull(maintenanceCase.Value)))
        {
            // A device-health rule files no case; its alarm still needs a title for the upkeep queue.
            return new CaseTemplate("", "设备维护");
        }

        if (!fields.TryGetValue("case", out var field) || IsNull(field.Value))
        {
            Add(fields.ContainsKey("case") ? field.Value : rule, casePath, $"case is required: the code and title of the case the rule raises, {Example}");
            return null;
        }

        if (field.Value is not YamlMappingNode map)
        {
            Add(field.Value, casePath, $"case is a mapping with code and title, {Example}");
            return null;
        }

        var caseFields = Fields(map, casePath, _caseKeys);
        var code = RequiredText(caseFields, map, casePath, "code", "case.code is required: a GB/T 30428 code such as \"0406\", or \"{device.code}\"");
        var title = RequiredText(caseFields, map, casePath, "title", "case.title is required: what the dispatcher reads, e.g. \"道路积水 {value} cm\"");
        var valid = CheckTemplate(caseFields, casePath, "code", code) & CheckTemplate(caseFields, casePath, "title", title);
        var (file, fileFrom, policyValid) = ReadFilingPolicy(caseFields, casePath, maintenance);
        return code is null || title is null || !valid || !policyValid ? null : new CaseTemplate(code, title, file, fileFrom);
    }

    private (FilingMode File, Severity? FileFrom, bool Valid) ReadFilingPolicy(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, bool maintenance)
    {
        var valid = true;
        var file = FilingMode.Auto;
        switch (OptionalText(fields, path, "file"))
        {
            case null or "auto":
                break;
            case "confirm":
                file = FilingMode.Confirm;
                break;
            case "never":
                file = FilingMode.Never;
                break;
            case var other:
                Add(fields["file"].Value, Join(path, "file"), $"unknown file: '{other}'; use auto (file at once), confirm (wait for a person's file) or never (alarm only)");
                valid = false;
                break;
        }

        Severity? fileFrom = null;
        if (OptionalText(fields, path, "fileFrom") is { } fromText)
        {
            if (!SeverityNames.TryParse(fromText, out var from) || from == Severity.None)
            {
                Add(fields["fileFrom"].Value, Join(path, "fileFrom"), $"unknown severity '{fromText}' in fileFrom; use blue, yellow, orange or red");
                valid = false;
            }
            else if (file != FilingMode.Auto)
            {
                Add(fields["fileFrom"].Value, Join(path, "fileFrom"), "fileFrom applies to file: auto (auto-file from that severity up, confirm below it); leave it out or drop file:");
                valid = false;
            }
            else
            {
                fileFrom = from;
            }
        }

        if (maintenance && (fields.ContainsKey("file") || fields.ContainsKey("fileFrom")))
        {
            var key = fields.ContainsKey("file") ? "file" : "fileFrom";
            Add(fields[key].Key, Join(path, key), "a maintenance: true rule never files a case; leave out file and fileFrom");
            valid = false;
        }

        return (file, fileFrom, valid);
    }

    private bool CheckTemplate(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, string key, string? template)
    {
        if (template is null || CaseTemplate.TryGetPlaceholders(template, out _, out var problem))
        {
            return true;
        }

        Add(fields[key].Value, Join(path, key), problem!);
        return false;
    }

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
