using CityOps.Rules.Incidents;

namespace CityOps.Rules;

/// <summary>Turns rule files (YAML text, CONTRACT section 3) into a <see cref="RuleSet"/>, collecting every error in every file.</summary>
public static class RuleParser
{
    /// <param name="files">File name to YAML text. Files are read in ordinal file-name order, whatever order they come in.</param>
    public static RuleParseResult Parse(IEnumerable<KeyValuePair<string, string>> files) => Parse(files, RuleParseOptions.Default);

    /// <param name="files">File name to YAML text. Files are read in ordinal file-name order, whatever order they come in.</param>
    /// <param name="options">Extra checks, e.g. that zones exist.</param>
    public static RuleParseResult Parse(IEnumerable<KeyValuePair<string, string>> files, RuleParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(files);
        var errors = new List<RuleError>();
        var sources = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in files)
        {
            if (!sources.TryAdd(name, text ?? ""))
            {
                errors.Add(new RuleError(name, 1, 1, "file", "this file name is given twice"));
            }
        }

        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var rules = new List<Rule>();
        var incidents = new List<IncidentRule>();
        var references = new List<RuleReference>();
        foreach (var (name, text) in sources)
        {
            var reader = new RuleFileReader(name, errors, ids, options);
            rules.AddRange(reader.Read(text));
            incidents.AddRange(reader.Incidents);
            references.AddRange(reader.References);
        }

        CheckReferences(references, rules, errors);

        if (errors.Count > 0)
        {
            // Stable sort: errors at one spot keep the order they were found in.
            var sorted = errors.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column).ToImmutableArray();
            return new RuleParseResult(null, sorted);
        }

        return new RuleParseResult(new RuleSet(rules, sources.ToImmutableSortedDictionary(StringComparer.Ordinal), incidents, options.Kinds), []);
    }

    // Rule ids named by incidents must be rules of the set (in any file); a rule is grouped by one incident at most.
    private static void CheckReferences(List<RuleReference> references, List<Rule> rules, List<RuleError> errors)
    {
        var known = rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var groupedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in references)
        {
            if (!known.Contains(reference.RuleId))
            {
                errors.Add(new RuleError(reference.File, reference.Line, reference.Column, reference.Field,
                    $"unknown rule '{reference.RuleId}'; name a rule id of the rule set"));
            }
            else if (reference.Groups && !groupedBy.TryAdd(reference.RuleId, reference.Owner) && groupedBy[reference.RuleId] != reference.Owner)
            {
                errors.Add(new RuleError(reference.File, reference.Line, reference.Column, reference.Field,
                    $"rule '{reference.RuleId}' is already grouped by incident '{groupedBy[reference.RuleId]}'; a rule belongs to one incident at most"));
            }
        }
    }

    /// <summary>Parses a single file, e.g. a rule set sent through the API.</summary>
    public static RuleParseResult Parse(string fileName, string yaml) => Parse([new KeyValuePair<string, string>(fileName, yaml)]);
}
