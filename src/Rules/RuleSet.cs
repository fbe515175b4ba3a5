using System.Collections.Frozen;
using System.Collections.Immutable;

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

    /// <exception cref="ArgumentException">Two rules share an id.</exception>
    /// <param name="kinds">The kinds the rules were checked and compiled against (metric slots); <see cref="KindCatalog.Default"/> when null.</param>
    public RuleSet(IEnumerable<Rule> rules, IReadOnlyDictionary<string, string>? sources = null, KindCatalog? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = [.. rules];
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
            .ToFrozenDictionary(g => g.Key, g => g.ToImmutableArray(), StringComparer.Ordinal);
        Author = "";
    }

    private RuleSet(RuleSet other, int version, DateTimeOffset createdAt, string author)
    {
        Rules = other.Rules;
        Sources = other.Sources;
        Kinds = other.Kinds;
        _byId = other._byId;
        _byKind = other._byKind;
        Version = version;
        CreatedAt = createdAt;
        Author = author;
    }

    public static RuleSet Empty { get; } = new([]);

    /// <summary>0 until the rule catalog numbers it with <see cref="WithVersion"/>.</summary>
    public int Version { get; }

    public DateTimeOffset CreatedAt { get; }

    public string Author { get; }

    /// <summary>In file-name order, then in the order written.</summary>
    public ImmutableArray<Rule> Rules { get; }

    /// <summary>The kinds the rules were checked and compiled against: a judge of these rules reads its metrics by them.</summary>
    public KindCatalog Kinds { get; }

    /// <summary>File name to YAML text, ordered by file name.</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    /// <summary>The rules for one device kind; an empty array when there are none. No allocation.</summary>
    public ImmutableArray<Rule> ForKind(string kind) => _byKind.TryGetValue(kind, out var rules) ? rules : [];

    public Rule? Find(string id) => _byId.GetValueOrDefault(id);

    public RuleSet WithVersion(int version, DateTimeOffset at, string author) => new(this, version, at, author ?? "");
}
