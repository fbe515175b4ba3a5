using CityOps.Rules.Backtesting;
using CityOps.Rules.Testing;

namespace CityOps.Rules.Replay;

/// <summary>
/// The alarm desk over replayed alarms (rule tests and backtests): which alarms root causes and sensor faults suppress, and
/// which incidents the alarms of grouped rules form. It takes the alarms every <see cref="DeviceReplay"/> raised and cleared,
/// in reading time, and decides as the device and incident grains do, by the same rule-set relations
/// (<see cref="RuleSet.FaultsOver"/>, <see cref="RuleSet.SuppressedByFault"/>, <see cref="RuleSet.InhibitorsOf"/>), the same
/// grouping (<see cref="Incidents.IncidentRule.GroupKey"/>, <see cref="IZoneLookup.ZonesAt"/>) and the same forming rule
/// (<see cref="Incidents.IncidentRule.Forms"/>). Silences hold as on the live desk (<see cref="SilenceMatch"/>): an alarm raised
/// while one matches is silenced (no incident, no later suppression) until the silence ends, then judged again as on a
/// suppressor's clear (it may join its incident). A flapping alarm, like live, joins no incident, but suppresses as any other:
/// it stays open (held while clear) until it clears for good.
/// </summary>
public sealed class DeskReplay
{
    private readonly RuleSet _rules;
    private readonly Func<string, DeviceProfile?> _devices;
    private readonly IZoneLookup _zones;
    private readonly Dictionary<(string Device, string Rule), Alarm> _active = [];
    private readonly Dictionary<(string Incident, string Group), Group> _groups = [];
    private readonly List<ReplaySuppression> _suppressions = [];
    private readonly List<ReplayIncident> _incidents = [];
    private readonly IReadOnlyList<ReplaySilence> _silences;
    private readonly List<ReplaySilenced> _silenced = [];
    private readonly IReadOnlyList<ReplayHold> _holds;
    private readonly List<(DateTimeOffset At, Alarm Alarm)> _breaches = [];

    private DeskReplay(RuleSet rules, Func<string, DeviceProfile?> devices, IZoneLookup zones, IReadOnlyList<ReplaySilence> silences, IReadOnlyList<ReplayHold> holds)
    {
        _holds = holds;
        _rules = rules;
        _devices = devices;
        _zones = zones;
        _silences = silences;
    }

    /// <param name="events">The alarm events of every device; ordered here by time (stable: a device's fault rules come first, as judged).</param>
    /// <param name="devices">Attributes (<c>parent</c>, group attributes) and grid of a device; null when unknown.</param>
    /// <param name="silences">The silences in force over the replayed time; none when null.</param>
    /// <param name="holds">When alarms were back to normal within their clear hold (<see cref="DeviceReplay"/>); none when null.</param>
    public static DeskOutcome Run(
        RuleSet rules, IEnumerable<ReplayEvent> events, Func<string, DeviceProfile?> devices, IZoneLookup zones, IReadOnlyList<ReplaySilence>? silences = null,
        IReadOnlyList<ReplayHold>? holds = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(zones);
        var desk = new DeskReplay(rules, devices, zones, silences ?? [], holds ?? []);
        foreach (var e in events.OrderBy(e => e.At))
        {
            desk.EndSilences(e.At);
            desk.Breach(e.At);
            desk.Take(e);
        }

        desk.EndSilences(DateTimeOffset.MaxValue);
        desk.Breach(DateTimeOffset.MaxValue);
        return desk.Outcome();
    }

    // Silenced alarms whose silence ended by `now` (in order of ending), as the device grain's sweep: another silence matching
    // then takes them over; else they are judged again (unsuppressed; live, an auto alarm files then), as on a suppressor's clear.
    private void EndSilences(DateTimeOffset now)
    {
        foreach (var alarm in _active.Values.Where(a => a.Silence is { } s && s.EndsAt <= now).OrderBy(a => a.Silence!.EndsAt).ToList())
        {
            var end = alarm.Silence!.EndsAt;
            _silenced[alarm.Silenced] = _silenced[alarm.Silenced] with { Until = end };
            alarm.Silence = SilenceOf(alarm.Device, alarm.Rule.Id, alarm.Lat, alarm.Lon, end);
            if (alarm.Silence is { } next)
            {
                alarm.Silenced = _silenced.Count;
                _silenced.Add(new ReplaySilenced(alarm.Device, alarm.Rule.Id, alarm.RaisedAt, end, next.Id, null));
            }
            else
            {
                Release(alarm, end);
            }
        }
    }

    // Released (its suppressor cleared, its silence ended), as the device grain's Release: judged again, unless its value is
    // back to normal within its clear hold then; such an alarm is judged when it breaches again, if it does before it clears.
    private void Release(Alarm alarm, DateTimeOffset at)
    {
        if (_holds.FirstOrDefault(h => h.Device == alarm.Device && h.Rule == alarm.Rule.Id && h.From >= alarm.RaisedAt && h.From <= at && !(h.BreachedAt <= at)) is { } hold)
        {
            if (hold.BreachedAt is { } breach)
            {
                _breaches.Add((breach, alarm));
            }

            return;
        }

        Report(alarm, at);
    }

    // Alarms released back to normal that breached again by `now`, in order: judged then, if still active and free.
    private void Breach(DateTimeOffset now)
    {
        foreach (var (at, alarm) in _breaches.Where(b => b.At <= now).OrderBy(b => b.At).ToList())
        {
            _breaches.Remove((at, alarm));
            if (alarm is { ClearedAt: null, SuppressedBy: null, Silence: null })
            {
                Report(alarm, at);
            }
        }
    }

    private ReplaySilence? SilenceOf(string device, string ruleId, double? lat, double? lon, DateTimeOffset at)
    {
        if (_silences.Count == 0)
        {
            return null;
        }

        var grid = _devices(device)?.Grid;
        return _silences.FirstOrDefault(s => s.Holds(device, ruleId, grid, lat, lon, at, _zones));
    }

    private void Take(ReplayEvent e)
    {
        if (_rules.Find(e.Rule) is not { } rule)
        {
            return;
        }

        var key = (e.Device, e.Rule);
        switch (e.Event)
        {
            case CaseEventKind.Raised:
                var alarm = _active[key] = new Alarm(e.Device, rule, e.At, e.Severity, e.Lat, e.Lon) { Flapping = e.Flapping };
                if (SilenceOf(e.Device, rule.Id, e.Lat, e.Lon, e.At) is { } silence)
                {
                    // Silenced: held by the silence, not by a root cause or fault, and joins no incident while it holds.
                    alarm.Silence = silence;
                    alarm.Silenced = _silenced.Count;
                    _silenced.Add(new ReplaySilenced(e.Device, rule.Id, e.At, e.At, silence.Id, null));
                }
                else if (SuppressorOf(alarm) is { } by)
                {
                    Suppress(alarm, by, e.At, atRaise: true);
                }
                else
                {
                    Report(alarm, e.At);
                }

                // A fault also suppresses the device's active alarms on its metric raised before it.
                foreach (var ruleId in _rules.SuppressedByFault(rule.Id))
                {
                    if (_active.GetValueOrDefault((e.Device, ruleId)) is { SuppressedBy: null, Silence: null } earlier)
                    {
                        Suppress(earlier, alarm, e.At, atRaise: false);
                    }
                }

                // A root cause also suppresses its children's active alarms of the rules it inhibits raised before it.
                if (!rule.Inhibits.IsDefaultOrEmpty)
                {
                    foreach (var child in _active.Values.Where(a => a is { SuppressedBy: null, Silence: null } && a.Device != e.Device && rule.Inhibits.Contains(a.Rule.Id)
                        && _devices(a.Device)?.Attributes.GetValueOrDefault(RuleSet.ParentAttribute) == e.Device).ToList())
                    {
                        Suppress(child, alarm, e.At, atRaise: false);
                    }
                }

                break;
            case CaseEventKind.Flapping or CaseEventKind.Quiet when _active.GetValueOrDefault(key) is { } flapping:
                flapping.Flapping = e.Event == CaseEventKind.Flapping;
                if (flapping.Flapping && flapping.Group is { } left)
                {
                    // The clear that starts the flapping told its incident the alarm left, as live (a raise that starts it
                    // reported nothing); the held alarm coming back reports nothing either.
                    flapping.Left = true;
                    left.Leave(flapping, e.At, _incidents);
                }
                else if (!flapping.Flapping && flapping is { SuppressedBy: null, Silence: null })
                {
                    // Quiet while active: judged as on its raise, so it may join its incident now.
                    Release(flapping, e.At);
                }

                break;
            case CaseEventKind.Escalated when _active.GetValueOrDefault(key) is { } escalated:
                escalated.Severity = e.Severity;
                if (escalated is { SuppressedBy: null, Silence: null })
                {
                    Report(escalated, e.At);
                }

                break;
            case CaseEventKind.Cleared when _active.Remove(key, out var cleared):
                cleared.ClearedAt = e.At;
                cleared.Silence = null;
                cleared.Group?.Leave(cleared, e.At, _incidents);
                foreach (var child in cleared.Suppresses)
                {
                    if (child.ClearedAt is null && child.SuppressedBy == cleared)
                    {
                        // Judged again: it may join its incident now.
                        child.SuppressedBy = null;
                        _suppressions[child.Suppression] = _suppressions[child.Suppression] with { Until = e.At };
                        Release(child, e.At);
                    }
                }

                break;
        }
    }

    // The device's active fault on the alarm's metric, else its parent's active alarm of a rule that inhibits the alarm's rule.
    private Alarm? SuppressorOf(Alarm alarm)
    {
        foreach (var fault in _rules.FaultsOver(alarm.Rule.Id))
        {
            if (_active.GetValueOrDefault((alarm.Device, fault)) is { } active)
            {
                return active;
            }
        }

        if (_devices(alarm.Device)?.Attributes.GetValueOrDefault(RuleSet.ParentAttribute) is { Length: > 0 } parent && parent != alarm.Device)
        {
            foreach (var inhibitor in _rules.InhibitorsOf(alarm.Rule.Id))
            {
                if (_active.GetValueOrDefault((parent, inhibitor)) is { } active)
                {
                    return active;
                }
            }
        }

        return null;
    }

    private void Suppress(Alarm alarm, Alarm by, DateTimeOffset at, bool atRaise)
    {
        alarm.SuppressedBy = by;
        alarm.Suppression = _suppressions.Count;
        by.Suppresses.Add(alarm);
        _suppressions.Add(new ReplaySuppression(alarm.Device, alarm.Rule.Id, alarm.RaisedAt, at, by.Device, by.Rule.Id, atRaise, null));
    }

    // To its incident group, as the device grain reports to the incident grain: maintenance rules and suppressed alarms never.
    private void Report(Alarm alarm, DateTimeOffset at)
    {
        if (alarm.Rule.Maintenance || alarm.Flapping || alarm.Silence is not null || _rules.IncidentOf(alarm.Rule.Id) is not { } incident)
        {
            return;
        }

        if (alarm.Group is null)
        {
            var device = _devices(alarm.Device);
            var zones = alarm.Lat is { } lat && alarm.Lon is { } lon ? _zones.ZonesAt(lat, lon) : [];
            if (incident.GroupKey(zones, device?.Grid, device?.Attributes) is not { } key)
            {
                return;
            }

            if (!_groups.TryGetValue((incident.Id, key), out var group))
            {
                _groups[(incident.Id, key)] = group = new Group(incident, key);
            }

            alarm.Group = group;
        }

        alarm.Left = false;
        alarm.Group.Report(alarm, at);
    }

    private DeskOutcome Outcome()
    {
        foreach (var group in _groups.Values)
        {
            group.End(_incidents);
        }

        return new DeskOutcome([.. _suppressions], [.. _silenced], [.. _incidents.OrderBy(i => i.OpenedAt).ThenBy(i => i.Incident, StringComparer.Ordinal).ThenBy(i => i.Group, StringComparer.Ordinal)]);
    }

    private sealed class Alarm(string device, Rule rule, DateTimeOffset raisedAt, Severity severity, double? lat, double? lon)
    {
        public string Device { get; } = device;
        public Rule Rule { get; } = rule;
        public DateTimeOffset RaisedAt { get; } = raisedAt;
        public DateTimeOffset? ClearedAt { get; set; }
        public Severity Severity { get; set; } = severity;
        public double? Lat { get; } = lat;
        public double? Lon { get; } = lon;
        public Alarm? SuppressedBy { get; set; }
        public int Suppression { get; set; }
        public List<Alarm> Suppresses { get; } = [];
        public Group? Group { get; set; }

        public bool Flapping { get; set; }

        /// <summary>Told its incident it left while still active (a clear held as flapping): counts as a cleared member.</summary>
        public bool Left { get; set; }

        public bool Gone => ClearedAt is not null || Left;

        public ReplaySilence? Silence { get; set; }

        public int Silenced { get; set; }
    }

    // One incident rule's group, as its incident grain keeps it: candidates until they form an incident, then its members.
    private sealed class Group(Incidents.IncidentRule rule, string key)
    {
        private readonly List<Alarm> _members = [];
        private DateTimeOffset? _openedAt;
        private int _openedWith;
        private Severity _openedSeverity;
        private Severity _worst;

        public void Report(Alarm alarm, DateTimeOffset at)
        {
            if (!_members.Contains(alarm))
            {
                _members.Add(alarm);
            }

            var active = _members.Where(m => !m.Gone).ToList();
            if (_openedAt is null && rule.Forms(active.Select(m => (m.Device, m.RaisedAt)), alarm.RaisedAt))
            {
                (_openedAt, _openedWith) = (at, active.Count);
            }

            if (_openedAt is not null)
            {
                _worst = active.Select(m => m.Severity).Append(_worst).Max();
                _openedSeverity = _openedSeverity == Severity.None ? _worst : _openedSeverity;
            }
        }

        public void Leave(Alarm alarm, DateTimeOffset at, List<ReplayIncident> incidents)
        {
            if (_openedAt is null)
            {
                _members.Remove(alarm);
            }
            else if (_members.TrueForAll(m => m.Gone))
            {
                End(incidents, at);
            }
        }

        public void End(List<ReplayIncident> incidents, DateTimeOffset? clearedAt = null)
        {
            if (_openedAt is { } openedAt)
            {
                incidents.Add(new ReplayIncident(rule.Id, key, openedAt, clearedAt, _worst, _openedWith, _openedSeverity,
                    [.. _members.Select(m => new ReplayMember(m.Device, m.Rule.Id, m.RaisedAt, m.ClearedAt))]));
            }

            // The incident is over: the next alarms of the group start a new one.
            _members.Clear();
            (_openedAt, _openedWith, _openedSeverity, _worst) = (null, 0, Severity.None, Severity.None);
        }
    }
}

/// <summary>What the desk made of replayed alarms: the suppressions and silenced alarms, in order, and the incidents, in order of opening.</summary>
public sealed record DeskOutcome(ImmutableArray<ReplaySuppression> Suppressions, ImmutableArray<ReplaySilenced> Silenced, ImmutableArray<ReplayIncident> Incidents);

/// <summary>
/// An alarm (of <see cref="Device"/> and <see cref="Rule"/>, raised at <see cref="RaisedAt"/>) held from <see cref="At"/> by the
/// silence <see cref="SilenceId"/>: at its raising, or taken over when another silence ended. <see cref="Until"/>: when that
/// silence ended while the alarm was still active; null when the alarm cleared under it.
/// </summary>
public sealed record ReplaySilenced(string Device, string Rule, DateTimeOffset RaisedAt, DateTimeOffset At, string SilenceId, DateTimeOffset? Until);

/// <summary>
/// An alarm (of <see cref="Device"/> and <see cref="Rule"/>, raised at <see cref="RaisedAt"/>) suppressed from <see cref="At"/> by the
/// alarm of <see cref="ByRule"/> on <see cref="ByDevice"/> (its parent, or itself for a sensor fault): at its raising
/// (<see cref="AtRaise"/>), or later by a fault. <see cref="Until"/>: when the suppressor cleared while the alarm was still active
/// (then it was judged again); null when the alarm ended suppressed, or the replay did.
/// </summary>
public sealed record ReplaySuppression(string Device, string Rule, DateTimeOffset RaisedAt, DateTimeOffset At, string ByDevice, string ByRule, bool AtRaise, DateTimeOffset? Until);

/// <summary>
/// An incident the replayed alarms formed: its rule and group, when it opened (with how many members, how severe) and cleared,
/// the worst severity it reached and every member.
/// </summary>
public sealed record ReplayIncident(
    string Incident, string Group, DateTimeOffset OpenedAt, DateTimeOffset? ClearedAt, Severity Severity, int OpenedWith, Severity OpenedSeverity,
    ImmutableArray<ReplayMember> Members);

/// <summary>A member alarm of a replayed incident.</summary>
public sealed record ReplayMember(string Device, string Rule, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt);
