using System.Collections.Immutable;

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
        foreach (var (name, text) in sources)
        {
            rules.AddRange(new RuleFileReader(name, errors, ids, options).Read(text));
        }

        if (errors.Count > 0)
        {
            // Stable sort: errors at one spot keep the order they were found in.
            var sorted = errors.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column).ToImmutableArray();
            return new RuleParseResult(null, sorted);
        }

        return new RuleParseResult(new RuleSet(rules, sources.ToImmutableSortedDictionary(StringComparer.Ordinal), options.Kinds), []);
    }

    /// <summary>Parses a single file, e.g. a rule set sent through the API.</summary>
    public static RuleParseResult Parse(string fileName, string yaml) => Parse([new KeyValuePair<string, string>(fileName, yaml)]);
}
