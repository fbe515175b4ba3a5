using System.Collections.Frozen;
using CityOps.Rules.Incidents;

namespace CityOps.Rules;

/// <summary>
/// A complete, validated set of rules, with the file texts it came from so every version can be stored and diffed.
/// Immutable: a new version is a new instance.
/// </summary>
public sealed class RuleSet
{
    private static readonly ImmutableSortedDictionary<string, string> _noSources = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, ImmutableArray<Rule>> _byKind;
    private readonly FrozenDictionary<string, Rule> _byId;
    private readonly FrozenDictionary<string, IncidentRule> _incidentByRule;
    private readonly FrozenDictionary<string, ImmutableArray<string>> _inhibitors;
    private readonly FrozenDictionary<string, ImmutableArray<string>> _faultsOver;
    private readonly FrozenDictionary<string, ImmutableArray<string>> _faultSuppresses;

    /// <exception cref="ArgumentException">Two rules share an id.</exception>
    /// <param name="kinds">The kinds the rules were checked and compiled against (metric slots); <see cref="KindCatalog.Default"/> when null.</param>
    public RuleSet(IEnumerable<Rule> rules, IReadOnlyDictionary<string, string>? sources = null, IEnumerable<IncidentRule>? incidents = null, KindCatalog? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = [.. rules];
        Incidents = incidents is null ? [] : [.. incidents];
        Kinds = kinds ?? KindCatalog.Default;
        Sources = sources switch
        {
            null => _noSources,
            ImmutableSortedDictionary<string, string> sorted when sorted.KeyComparer == StringComparer.Ordinal => sorted,
            _ => sources.ToImmutableSortedDictionary(StringComparer.Ordinal),
        };

        var byId = new Dictionary<string, Rule>(StringComparer.Ordinal);
        foreach (var rule in Rules)
        {
            if (!byId.TryAdd(rule.Id, rule))
            {
                throw new ArgumentException($"Rule id '{rule.Id}' is used twice.", nameof(rules));
            }
        }

        _byId = byId.ToFrozenDictionary(StringComparer.Ordinal);
        _byKind = Rules.GroupBy(r => r.Kind, StringComparer.Ordinal)
            // Sensor faults first: a fault raised by a reading suppresses the other alarms that reading raises on its metric.
            .ToFrozenDictionary(g => g.Key, g => g.OrderBy(r => r.IsFault ? 0 : 1).ToImmutableArray(), StringComparer.Ordinal);
        var incidentByRule = new Dictionary<string, IncidentRule>(StringComparer.Ordinal);
        foreach (var incident in Incidents)
        {
            foreach (var ruleId in incident.RuleIds)
            {
                incidentByRule.TryAdd(ruleId, incident);
            }
        }

        _incidentByRule = incidentByRule.ToFrozenDictionary(StringComparer.Ordinal);
        _inhibitors = Rules.SelectMany(r => r.Inhibits.Select(child => (child, r.Id)))
            .GroupBy(p => p.child, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(p => p.Id).ToImmutableArray(), StringComparer.Ordinal);
        (_faultsOver, _faultSuppresses) = FaultRelations(Rules);
        Author = "";
    }

    public static RuleSet Empty { get; } = new([]);

    /// <summary>0 until the rule catalog numbers it with <see cref="WithVersion"/>.</summary>
    public int Version { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string Author { get; private set; }

    /// <summary>In file-name order, then in the order written.</summary>
    public ImmutableArray<Rule> Rules { get; }

    /// <summary>The <c>incidents:</c> of every file, in file-name order.</summary>
    public ImmutableArray<IncidentRule> Incidents { get; }
    /// <summary>The kinds the rules were checked and compiled against: a judge of these rules reads its metrics by them.</summary>
    public KindCatalog Kinds { get; }

    /// <summary>File name to YAML text, ordered by file name.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    /// <summary>The rules for one device kind; an empty array when there are none. No allocation.</summary>
    public ImmutableArray<Rule> ForKind(string kind) => _byKind.TryGetValue(kind, out var rules) ? rules : [];

    public Rule? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The incident rule that groups the alarms of rule <paramref name="ruleId"/> (a rule belongs to one at most); null when none.</summary>
    public IncidentRule? IncidentOf(string ruleId) => _incidentByRule.GetValueOrDefault(ruleId);

    /// <summary>The device attribute naming a device's parent (a lamp's cabinet, a gauge's pump station): <c>inhibits:</c> acts on it.</summary>
    public const string ParentAttribute = "parent";

    /// <summary>The rules whose <c>inhibits:</c> name <paramref name="ruleId"/> (their alarms on a parent suppress its alarms); empty when none.</summary>
    public ImmutableArray<string> InhibitorsOf(string ruleId) => _inhibitors.TryGetValue(ruleId, out var rules) ? rules : [];

    /// <summary>
    /// The sensor-fault rules (<c>stuck:</c>, <c>jump:</c>, <c>range:</c>) of the kind of rule <paramref name="ruleId"/> that watch its metric:
    /// their active alarm on a device suppresses its alarms there. Empty for a fault rule itself and for rules without a metric.
    /// </summary>
    public ImmutableArray<string> FaultsOver(string ruleId) => _faultsOver.TryGetValue(ruleId, out var faults) ? faults : [];

    /// <summary>The rules whose alarms fault rule <paramref name="faultRuleId"/> suppresses on its device (the inverse of <see cref="FaultsOver"/>).</summary>
    public ImmutableArray<string> SuppressedByFault(string faultRuleId) => _faultSuppresses.TryGetValue(faultRuleId, out var rules) ? rules : [];

    public IncidentRule? FindIncident(string id) => Incidents.FirstOrDefault(i => i.Id == id);

    // Per kind and metric: the fault rules, and the other rules they suppress. The one place these relations are decided,
    // for the device grain and the replay of rule tests and backtests alike.
    private static (FrozenDictionary<string, ImmutableArray<string>> FaultsOver, FrozenDictionary<string, ImmutableArray<string>> Suppresses) FaultRelations(ImmutableArray<Rule> rules)
    {
        var pairs = (from fault in rules
                     where fault.IsFault && fault.Metric is not null
                     from rule in rules
                     where !rule.IsFault && rule.Kind == fault.Kind && rule.Metric == fault.Metric
                     select (Rule: rule.Id, Fault: fault.Id)).ToList();
        return (
            pairs.GroupBy(p => p.Rule, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.Select(p => p.Fault).ToImmutableArray(), StringComparer.Ordinal),
            pairs.GroupBy(p => p.Fault, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.Select(p => p.Rule).ToImmutableArray(), StringComparer.Ordinal));
    }

    public RuleSet WithVersion(int version, DateTimeOffset at, string author)
    {
        // Every field copied (the rules and their lookups are immutable and shared), so a field added later cannot be missed.
        var numbered = (RuleSet)MemberwiseClone();
        (numbered.Version, numbered.CreatedAt, numbered.Author) = (version, at, author ?? "");
        return numbered;
    }
}
