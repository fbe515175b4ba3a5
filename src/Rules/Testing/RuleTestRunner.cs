using CityOps.Rules.Backtesting;
using CityOps.Rules.Replay;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityOps.Rules.Testing;

/// <summary>
/// Runs a rule test file (in the spirit of <c>promtool test rules</c>): devices with readings over time go through the
/// same compiled rules and evaluator as live ingestion, and the case events they cause (raised, escalated, cleared,
/// with severities and times; suppressed and unsuppressed) and the incidents their alarms form (opened, cleared) must be
/// exactly the expected ones. Suppression, silences (<c>silences:</c>, matchers and window as CONTRACT §7) and incidents are
/// decided across devices by the <see cref="DeskReplay"/>, flapping per device by the <see cref="DeviceReplay"/>, as live.
/// Offline rules are checked at the exact moment a device's silence reaches the window. Pure: files are read by the caller
/// through <paramref name="loadZones"/>.
/// </summary>
public sealed class RuleTestRunner
{
    private static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _file;
    private readonly RuleSet _rules;
    private readonly Func<string, IZoneLookup?> _loadZones;
    private readonly List<RuleError> _failures = [];

    private RuleTestRunner(string file, RuleSet rules, Func<string, IZoneLookup?> loadZones)
    {
        _file = file;
        _rules = rules;
        _loadZones = loadZones;
    }

    /// <param name="file">The test file's name, for messages.</param>
    /// <param name="yaml">Its text.</param>
    /// <param name="rules">The rule set under test.</param>
    /// <param name="loadZones">Loads the zones file a test names (path as written); null when it cannot (reported as a failure).</param>
    public static RuleTestResult Run(string file, string yaml, RuleSet rules, Func<string, IZoneLookup?> loadZones)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(loadZones);
        return new RuleTestRunner(file, rules, loadZones).Run(yaml);
    }

    private RuleTestResult Run(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            Fail(ex.Start, "not valid YAML: " + ex.Message);
            return Result([]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Fail(Mark.Empty, "a rule test is a mapping with devices: and expect:");
            return Result([]);
        }

        Keys(root, "start", "zones", "until", "silences", "devices", "expect");
        var start = DefaultStart;
        if (Child(root, "start") is YamlScalarNode startNode && !DateTimeOffset.TryParse(startNode.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start))
        {
            Fail(startNode.Start, $"start: '{startNode.Value}' is not a time such as 2026-07-20T20:00:00+08:00");
        }

        IZoneLookup zones = NoZones.Instance;
        if (Child(root, "zones") is YamlScalarNode zonesNode && zonesNode.Value is { Length: > 0 } zonesPath)
        {
            if (_loadZones(zonesPath) is { } loaded)
            {
                zones = loaded;
            }
            else
            {
                Fail(zonesNode.Start, $"zones: '{zonesPath}' cannot be loaded as a GeoJSON zone file");
            }
        }

        TimeSpan? until = Child(root, "until") is YamlScalarNode untilNode ? Offset(untilNode) : null;
        if (Child(root, "devices") is not YamlSequenceNode devices)
        {
            Fail(root.Start, "devices: is required: a list of devices, each with id, kind and readings");
            return Result([]);
        }

        var events = new List<ReplayEvent>();
        var holds = new List<ReplayHold>();
        var profiles = new Dictionary<string, DeviceProfile>(StringComparer.Ordinal);
        foreach (var device in devices.Children.OfType<YamlMappingNode>())
        {
            RunDevice(device, start, until, zones, events, holds, profiles);
        }

        var silences = ReadSilences(root, start);
        var desk = DeskReplay.Run(_rules, events, id => profiles.GetValueOrDefault(id), zones, silences, holds);
        var produced = Produced(events, desk, start);
        var incidents = Incidents(desk, start);
        var (expected, expectedIncidents) = ReadExpected(root, silences);
        if (_failures.Count == 0)
        {
            var expectMark = Child(root, "expect")?.Start ?? root.Start;
            Compare(expected, produced, expectMark);
            Compare(expectedIncidents, incidents, expectMark);
        }

        return Result([.. produced]) with { Incidents = [.. incidents] };
    }

    // The alarms' events, a raise under a suppressor or silence saying so, and the suppressions and silences that came later or
    // ended first.
    private static List<ExpectedCase> Produced(List<ReplayEvent> events, DeskOutcome desk, DateTimeOffset start)
    {
        var raisedUnder = desk.Suppressions.Where(s => s.AtRaise).ToDictionary(s => (s.Device, s.Rule, s.RaisedAt), s => s.ByRule);
        var silencedAtRaise = desk.Silenced.Where(s => s.At == s.RaisedAt).ToDictionary(s => (s.Device, s.Rule, s.RaisedAt), s => s.SilenceId);
        var produced = events.Select(e => e.Event == CaseEventKind.Raised
            ? new ExpectedCase(e.At - start, e.Device, e.Rule, e.Event, e.Severity, raisedUnder.GetValueOrDefault((e.Device, e.Rule, e.At)), silencedAtRaise.GetValueOrDefault((e.Device, e.Rule, e.At)))
            : new ExpectedCase(e.At - start, e.Device, e.Rule, e.Event, e.Event is CaseEventKind.Escalated ? e.Severity : Severity.None)).ToList();
        foreach (var s in desk.Suppressions)
        {
            if (!s.AtRaise)
            {
                produced.Add(new ExpectedCase(s.At - start, s.Device, s.Rule, CaseEventKind.Suppressed, Severity.None, s.ByRule));
            }

            if (s.Until is { } until)
            {
                produced.Add(new ExpectedCase(until - start, s.Device, s.Rule, CaseEventKind.Unsuppressed, Severity.None));
            }
        }

        foreach (var s in desk.Silenced)
        {
            if (s.At != s.RaisedAt)
            {
                produced.Add(new ExpectedCase(s.At - start, s.Device, s.Rule, CaseEventKind.Suppressed, Severity.None, SilencedBy: s.SilenceId));
            }

            if (s.Until is { } until && !desk.Silenced.Any(next => next.Device == s.Device && next.Rule == s.Rule && next.RaisedAt == s.RaisedAt && next.At == until))
            {
                produced.Add(new ExpectedCase(until - start, s.Device, s.Rule, CaseEventKind.Unsuppressed, Severity.None));
            }
        }

        return [.. produced.OrderBy(e => e.At).ThenBy(e => e.Device, StringComparer.Ordinal).ThenBy(e => e.Rule, StringComparer.Ordinal)];
    }

    // silences: [{ id: works, device: WL-1, grid: "4107", zone: z, rule: depth, from: 0, until: 30m }]: every matcher given
    // must match (at least one), as a silence made through the API.
    private List<ReplaySilence> ReadSilences(YamlMappingNode root, DateTimeOffset start)
    {
        var silences = new List<ReplaySilence>();
        if (Child(root, "silences") is not { } node)
        {
            return silences;
        }

        if (node is not YamlSequenceNode list)
        {
            Fail(node.Start, "silences: is a list of silences, each with id, matchers (device, grid, zone, rule) and until");
            return silences;
        }

        foreach (var item in list.Children.OfType<YamlMappingNode>())
        {
            Keys(item, "id", "device", "grid", "zone", "rule", "from", "until");
            var (id, device, grid, zone, rule) = (Text(item, "id"), Text(item, "device"), Text(item, "grid"), Text(item, "zone"), Text(item, "rule"));
            var from = Child(item, "from") is YamlScalarNode f ? Offset(f) : TimeSpan.Zero;
            var until = Child(item, "until") is YamlScalarNode u ? Offset(u) : null;
            if (id is null || until is null || from is null)
            {
                Fail(item.Start, "each silence needs id: and until: (time since start; from: defaults to 0)");
                continue;
            }

            if (device is null && grid is null && zone is null && rule is null)
            {
                Fail(item.Start, $"silence '{id}' needs at least one matcher: device, grid, zone or rule");
                continue;
            }

            if (until <= from)
            {
                Fail(Child(item, "until")!.Start, $"silence '{id}': until must be after from");
                continue;
            }

            if (rule is not null && _rules.Find(rule) is null)
            {
                Fail(Child(item, "rule")!.Start, $"silence '{id}': rule '{rule}' is not in the rule set under test");
                continue;
            }

            if (silences.Any(s => s.Id == id))
            {
                Fail(Child(item, "id")!.Start, $"silence id '{id}' is used twice");
                continue;
            }

            silences.Add(new ReplaySilence(id, device, grid, zone, rule, start + from.Value, start + until.Value));
        }

        return silences;
    }

    private static List<ExpectedIncident> Incidents(DeskOutcome desk, DateTimeOffset start)
    {
        var incidents = new List<ExpectedIncident>();
        foreach (var i in desk.Incidents)
        {
            incidents.Add(new ExpectedIncident(i.OpenedAt - start, i.Incident, i.Group, IncidentEventKind.Opened, i.OpenedWith, i.OpenedSeverity));
            if (i.ClearedAt is { } cleared)
            {
                incidents.Add(new ExpectedIncident(cleared - start, i.Incident, i.Group, IncidentEventKind.Cleared, i.Members.Length, i.Severity));
            }
        }

        return [.. incidents.OrderBy(i => i.At)];
    }

    private void RunDevice(YamlMappingNode node, DateTimeOffset start, TimeSpan? until, IZoneLookup zones, List<ReplayEvent> events, List<ReplayHold> holds, Dictionary<string, DeviceProfile> profiles)
    {
        Keys(node, "id", "kind", "lat", "lon", "grid", "attributes", "until", "readings", "series");
        var id = Text(node, "id");
        var kind = Text(node, "kind");
        if (id is null || kind is null || !_rules.Kinds.IsKnownKind(kind))
        {
            Fail(node.Start, $"each device needs an id and a kind ({string.Join(", ", _rules.Kinds.Kinds)})");
            return;
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(node, "attributes") is YamlMappingNode attributeMap)
        {
            foreach (var (key, value) in attributeMap.Children)
            {
                attributes[((YamlScalarNode)key).Value ?? ""] = (value as YamlScalarNode)?.Value ?? "";
            }
        }

        if (Child(node, "until") is YamlScalarNode ownUntil)
        {
            until = Offset(ownUntil);
        }

        var problems = new List<string>();
        profiles[id] = new DeviceProfile(null, null, Number(node, "lat"), Number(node, "lon"), attributes, Text(node, "grid"));
        var replay = new DeviceReplay(id, kind, _rules, zones, attributes, Number(node, "lat"), Number(node, "lon"), events, problems, holds);
        foreach (var problem in problems)
        {
            Fail(node.Start, $"{id}: {problem}");
        }

        foreach (var (at, metrics, lat, lon) in Readings(node, kind, start))
        {
            replay.Feed(at, metrics, lat, lon);
        }

        if (until is { } end)
        {
            replay.CheckOffline(start + end + TimeSpan.FromTicks(1));
        }
    }

    // readings: [{ at: 1m, depth_cm: 30, lat: .., lon: .. }] and/or series: { every: 10s, from: 0s, depth_cm: "20x6 30 _ 55x3" }.
    private List<(DateTimeOffset At, List<(string Name, double Value)> Metrics, double? Lat, double? Lon)> Readings(YamlMappingNode device, string kind, DateTimeOffset start)
    {
        var readings = new List<(DateTimeOffset, List<(string, double)>, double?, double?)>();
        if (Child(device, "readings") is YamlSequenceNode list)
        {
            foreach (var item in list.Children.OfType<YamlMappingNode>())
            {
                if (Child(item, "at") is not YamlScalarNode atNode || Offset(atNode) is not { } at)
                {
                    Fail(item.Start, "each reading needs at: (time since start, e.g. 90s or 1m30s)");
                    continue;
                }

                var metrics = new List<(string, double)>();
                foreach (var (key, value) in item.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? "";
                    if (name is "at" or "lat" or "lon")
                    {
                        continue;
                    }

                    if (Metric(kind, key, value) is { } number)
                    {
                        metrics.Add((name, number));
                    }
                }

                readings.Add((start + at, metrics, Number(item, "lat"), Number(item, "lon")));
            }
        }

        if (Child(device, "series") is YamlMappingNode series)
        {
            var every = Child(series, "every") is YamlScalarNode e ? Offset(e) : null;
            var from = Child(series, "from") is YamlScalarNode f ? Offset(f) ?? TimeSpan.Zero : TimeSpan.Zero;
            if (every is not { } step || step <= TimeSpan.Zero)
            {
                Fail(series.Start, "series: needs every: (e.g. every: 10s)");
                return readings;
            }

            var columns = new List<(string Name, List<double?> Values)>();
            foreach (var (key, value) in series.Children)
            {
                var name = ((YamlScalarNode)key).Value ?? "";
                if (name is "every" or "from")
                {
                    continue;
                }

                if (!_rules.Kinds.IsKnownMetric(kind, name))
                {
                    Fail(key.Start, $"unknown metric '{name}' for kind '{kind}'; {kind} devices report {string.Join(", ", _rules.Kinds.MetricsOf(kind))}");
                    continue;
                }

                columns.Add((name, Expand((YamlScalarNode)value)));
            }

            var count = columns.Count == 0 ? 0 : columns.Max(c => c.Values.Count);
            for (var i = 0; i < count; i++)
            {
                var metrics = columns.Where(c => i < c.Values.Count && c.Values[i] is not null).Select(c => (c.Name, c.Values[i]!.Value)).ToList();
                readings.Add((start + from + (step * i), metrics, null, null));
            }
        }

        return [.. readings.OrderBy(r => r.Item1)];
    }

    // "20x3 30 _ 55" → 20 20 20 30 (none) 55.
    private List<double?> Expand(YamlScalarNode node)
    {
        var values = new List<double?>();
        foreach (var token in (node.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = token.Split('x');
            var repeat = 1;
            if (parts.Length > 2 || (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out repeat)))
            {
                Fail(node.Start, $"'{token}' is not a value; write a number, _ (no value), or 20x6 (20, six times)");
                continue;
            }

            double? value = null;
            if (parts[0] != "_")
            {
                if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    Fail(node.Start, $"'{token}' is not a value; write a number, _ (no value), or 20x6 (20, six times)");
                    continue;
                }

                value = v;
            }

            values.AddRange(Enumerable.Repeat(value, repeat));
        }

        return values;
    }

    private (List<(ExpectedCase Case, Mark Where)> Alarms, List<(ExpectedIncident Incident, Mark Where)> Incidents) ReadExpected(YamlMappingNode root, List<ReplaySilence> silences)
    {
        var alarms = new List<(ExpectedCase, Mark)>();
        var incidents = new List<(ExpectedIncident, Mark)>();
        if (Child(root, "expect") is not YamlSequenceNode list)
        {
            return (alarms, incidents);
        }

        foreach (var item in list.Children.OfType<YamlMappingNode>())
        {
            if (Child(item, "incident") is not null)
            {
                if (ReadExpectedIncident(item) is { } incident)
                {
                    incidents.Add((incident, item.Start));
                }

                continue;
            }

            Keys(item, "at", "device", "rule", "event", "severity", "suppressedBy", "silencedBy");
            var at = Child(item, "at") is YamlScalarNode a ? Offset(a) : null;
            var device = Text(item, "device");
            var rule = Text(item, "rule");
            var eventText = Text(item, "event") ?? "raised";
            var severityText = Text(item, "severity");
            var suppressedBy = Text(item, "suppressedBy");
            var silencedBy = Text(item, "silencedBy");
            if (at is null || device is null || rule is null)
            {
                Fail(item.Start, "each expected case needs at:, device: and rule: (and event: raised|escalated|cleared|suppressed|unsuppressed|flapping|quiet, severity:), or incident: for an incident");
                continue;
            }

            if (!Enum.TryParse<CaseEventKind>(eventText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            {
                Fail(item.Start, $"event: '{eventText}' is not raised, escalated, cleared, suppressed, unsuppressed, flapping or quiet");
                continue;
            }

            if (silencedBy is not null && (kind is not (CaseEventKind.Raised or CaseEventKind.Suppressed) || suppressedBy is not null || !silences.Any(s => s.Id == silencedBy)))
            {
                Fail(Child(item, "silencedBy")!.Start, kind is not (CaseEventKind.Raised or CaseEventKind.Suppressed) || suppressedBy is not null
                    ? "silencedBy: goes with event: raised (raised silenced) or suppressed (another silence took it over), without suppressedBy:"
                    : $"silencedBy: '{silencedBy}' is not a silence of this test (silences:)");
                continue;
            }

            var severity = Severity.None;
            if (kind is CaseEventKind.Raised or CaseEventKind.Escalated && (!SeverityNames.TryParse(severityText, out severity) || severity == Severity.None))
            {
                Fail(item.Start, $"severity: '{severityText}' is not blue, yellow, orange or red");
                continue;
            }

            if (_rules.Find(rule) is null)
            {
                Fail(item.Start, $"rule: '{rule}' is not in the rule set under test");
                continue;
            }

            if (kind == CaseEventKind.Suppressed && suppressedBy is null && silencedBy is null)
            {
                Fail(item.Start, "event: suppressed needs suppressedBy: the rule whose alarm suppresses it (the device's sensor fault, or its parent's rule), or silencedBy: a silence");
                continue;
            }

            if (suppressedBy is not null && (kind is not (CaseEventKind.Raised or CaseEventKind.Suppressed) || _rules.Find(suppressedBy) is null))
            {
                Fail(Child(item, "suppressedBy")!.Start, kind is CaseEventKind.Raised or CaseEventKind.Suppressed
                    ? $"suppressedBy: '{suppressedBy}' is not in the rule set under test"
                    : "suppressedBy: goes with event: raised (raised suppressed) or suppressed");
                continue;
            }

            alarms.Add((new ExpectedCase(at.Value, device, rule, kind, severity, suppressedBy, silencedBy), item.Start));
        }

        return (alarms, incidents);
    }

    // { at: 3m, incident: catchment-flood, group: east, event: opened, count: 3, severity: orange }
    private ExpectedIncident? ReadExpectedIncident(YamlMappingNode item)
    {
        Keys(item, "at", "incident", "group", "event", "count", "severity");
        var at = Child(item, "at") is YamlScalarNode a ? Offset(a) : null;
        var incident = Text(item, "incident");
        var group = Text(item, "group");
        var eventText = Text(item, "event") ?? "opened";
        if (at is null || incident is null || group is null || Text(item, "count") is not { } countText || Text(item, "severity") is not { } severityText)
        {
            Fail(item.Start, "each expected incident needs at:, incident:, group:, count: and severity: (and event: opened|cleared)");
            return null;
        }

        if (!Enum.TryParse<IncidentEventKind>(eventText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            Fail(item.Start, $"event: '{eventText}' is not opened or cleared (for an incident)");
            return null;
        }

        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            Fail(Child(item, "count")!.Start, $"count: '{countText}' is not a number of alarms (1 or more)");
            return null;
        }

        if (!SeverityNames.TryParse(severityText, out var severity) || severity == Severity.None)
        {
            Fail(Child(item, "severity")!.Start, $"severity: '{severityText}' is not blue, yellow, orange or red");
            return null;
        }

        if (_rules.FindIncident(incident) is null)
        {
            Fail(Child(item, "incident")!.Start, $"incident: '{incident}' is not an incident of the rule set under test");
            return null;
        }

        return new ExpectedIncident(at.Value, incident, group, kind, count, severity);
    }

    private void Compare(List<(ExpectedCase Case, Mark Where)> expected, List<ExpectedCase> produced, Mark expectMark) =>
        Compare(expected, produced, expectMark, (p, want) => p.Device == want.Device && p.Rule == want.Rule, "the rule raised nothing for this device");

    private void Compare(List<(ExpectedIncident Incident, Mark Where)> expected, List<ExpectedIncident> produced, Mark expectMark) =>
        Compare(expected, produced, expectMark, (p, want) => p.Incident == want.Incident && p.Group == want.Group, "no such incident formed");

    // Exactly the expected events, no more: each expectation names its line; what happened instead is shown beside it.
    private void Compare<T>(List<(T Event, Mark Where)> expected, List<T> produced, Mark expectMark, Func<T, T, bool> near, string nothing)
        where T : notnull
    {
        var unmatched = produced.ToList();
        foreach (var (want, where) in expected)
        {
            if (!unmatched.Remove(want))
            {
                var got = produced.Where(p => near(p, want)).Select(p => p.ToString()).ToList();
                Fail(where, $"expected {want}, but it did not happen" + (got.Count == 0 ? "; " + nothing : $"; got: {string.Join(", ", got)}"));
            }
        }

        foreach (var extra in unmatched)
        {
            Fail(expectMark, $"unexpected {extra}: add it to expect: if it is right");
        }
    }

    private double? Metric(string kind, YamlNode key, YamlNode value)
    {
        var name = ((YamlScalarNode)key).Value ?? "";
        if (!_rules.Kinds.IsKnownMetric(kind, name))
        {
            Fail(key.Start, $"unknown metric '{name}' for kind '{kind}'; {kind} devices report {string.Join(", ", _rules.Kinds.MetricsOf(kind))}");
            return null;
        }

        if (value is YamlScalarNode { Value: var text } && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        Fail(value.Start, $"{name}: a number is required");
        return null;
    }

    private TimeSpan? Offset(YamlScalarNode node)
    {
        if (Durations.TryParse(node.Value, out var offset))
        {
            return offset;
        }

        Fail(node.Start, $"'{node.Value}' is not a time since start; write e.g. 0, 30s, 1m30s, 2h");
        return null;
    }

    // A misspelt key would otherwise be ignored, and a test could pass without testing anything.
    private void Keys(YamlMappingNode map, params string[] allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } name } || Array.IndexOf(allowed, name) < 0)
            {
                Fail(key.Start, $"unknown key '{(key as YamlScalarNode)?.Value}' here; allowed: {string.Join(", ", allowed)}");
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Text(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    private static double? Number(YamlMappingNode map, string key) =>
        Text(map, key) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private void Fail(Mark mark, string message) =>
        _failures.Add(new RuleError(_file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), "test", message));

    private RuleTestResult Result(ImmutableArray<ExpectedCase> produced) => new(_file, [.. _failures], produced);
}
