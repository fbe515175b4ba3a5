using CityOps.Rules.Expressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityOps.Rules;

/// <summary>
/// Reads one rule file through YamlDotNet's representation model, which keeps the line and column of every node,
/// and reports every problem it finds instead of stopping at the first: an engineer fixing a file wants the whole list.
/// </summary>
internal sealed partial class RuleFileReader
{
    private static readonly string[] _topKeys = ["rules", "incidents", "flapping"];
    private static readonly string[] _ruleKeys = ["id", "kind", "description", "metric", "levels", "for", "clear", "offline", "where", "when", "inside", "outside", "count", "case", "maintenance", "flapping", "escalate", "remind", "inhibits", "stuck", "jump", "range", "predict"];
    private static readonly string[] _conditionKeys = ["where", "when", "inside", "outside", "count", "stuck", "jump", "range", "predict"];
    private static readonly string[] _levelKeys = ["severity", "above", "below"];
    private static readonly string[] _clearKeys = ["hysteresis", "for"];
    private static readonly string[] _flappingKeys = ["changes", "within"];
    private static readonly string[] _escalateKeys = ["after", "to", "unless"];
    private static readonly string[] _caseKeys = ["code", "title", "file", "fileFrom", "codeType"];

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
        if (fields.TryGetValue("incidents", out var incidents))
        {
            ReadIncidents(incidents.Value);
        }

        _defaultFlapping = ReadFlapping(fields, "");
        if (!fields.TryGetValue("rules", out var list))
        {
            if (incidents.Value is not null)
            {
                return rules;
            }

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

        var kind = RequiredText(fields, map, path, "kind", $"every rule needs a kind: {string.Join(", ", _options.Kinds.Kinds)}");
        var knownKind = _options.Kinds.IsKnownKind(kind);
        if (kind is not null && !knownKind)
        {
            Add(fields["kind"].Value, Join(path, "kind"), $"unknown kind '{kind}'; known kinds: {string.Join(", ", _options.Kinds.Kinds)}");
        }

        var description = OptionalText(fields, path, "description", trim: false);
        var metric = OptionalText(fields, path, "metric");
        if (metric is not null && knownKind && !_options.Kinds.IsKnownMetric(kind, metric))
        {
            Add(fields["metric"].Value, Join(path, "metric"), $"unknown metric '{metric}' for kind '{kind}'; {kind} devices report {string.Join(", ", _options.Kinds.MetricsOf(kind!))}");
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
        var when = ReadWhenField(fields, path, out var sun, out var schedule);
        var inside = OptionalText(fields, path, "inside");
        var outside = OptionalText(fields, path, "outside");
        var zoneId = ReadZone(fields, path, inside, outside);
        var count = ReadCount(fields, path);
        var series = offline is null ? ReadSeries(fields, path, kind, knownKind) : null;
        metric ??= series?.Metric;
        var hasSeries = _seriesKeys.Any(fields.ContainsKey);
        var hasConditions = where is not null || fields.ContainsKey("when") || inside is not null || outside is not null || hasSeries;
        var levels = ReadLevels(fields, path, out var levelsValid);
        var maintenance = ReadMaintenance(fields, path);
        var flapping = ReadFlapping(fields, path) ?? _defaultFlapping;
        var caseTemplate = ReadCase(fields, map, path, maintenance);
        var lowest = levels is { Count: > 0 } && levels.Any(l => l.Severity != Severity.None)
            ? levels.Where(l => l.Severity != Severity.None).Min(l => l.Severity)
            : offline is not null ? Severity.Yellow : Severity.None;
        var escalate = ReadEscalate(fields, path, lowest);
        var remind = ReadRemind(fields, path);
        var inhibits = ReadInhibits(fields, map, path, id);
        if (offline is not null)
        {
            CheckOfflineRule(fields, path, levels);
        }
        else if (levels is null && hasSeries)
        {
            // A sensor fault or trend rule without levels raises yellow.
        }
        else if (levels is null || levels.Count == 0)
        {
            Add(levels is null ? map : fields["levels"].Value, Join(path, "levels"),
                "levels is required: a list such as - { severity: yellow, above: 27 }, least severe first");
        }
        else
        {
            var thresholdCount = levels.Count(l => l.Direction is not null);
            if (series is not null && thresholdCount > 0)
            {
                Add(series.Key, Join(path, series.Key.Value!), $"a {series.Key.Value}: rule decides by itself when it holds; give its levels no above:/below:, e.g. levels: [ {{ severity: yellow }} ]");
            }
            if (!hasConditions || thresholdCount > 0)
            {
                if (metric is null && !fields.ContainsKey("metric"))
                {
                    Add(map, Join(path, "metric"), knownKind
                        ? $"metric is required for a threshold rule; {kind} devices report {string.Join(", ", _options.Kinds.MetricsOf(kind!))}"
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
        var metricSlot = metric is null ? -1 : _options.Kinds.SlotOf(kind, metric);
        var required = new SortedSet<int>(whereExpression?.Slots ?? []);
        if (metricSlot >= 0)
        {
            required.Add(metricSlot);
        }

        if (series?.Range is not null && !(whereExpression?.Slots ?? []).Contains(metricSlot))
        {
            // A range fault judges readings whose value is outside the range: to other rules, the metric is absent then.
            required.Remove(metricSlot);
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
            Inhibits = inhibits,
            Where = where,
            WhereExpression = whereExpression,
            When = when,
            Sun = sun,
            Schedule = schedule,
            Stuck = series?.Stuck,
            Jump = series?.Jump,
            Range = series?.Range,
            Predict = series?.Predict,
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
}
