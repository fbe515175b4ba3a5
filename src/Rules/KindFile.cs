namespace CityOps.Rules;

/// <summary>
/// <c>kinds.yaml</c>, the kind catalog beside the rule files: the device kinds beyond the built-in four (and changes to
/// those), each with its metrics (unit, physical range), default case code and offline window. It is not a rule file.
/// </summary>
public static class KindFile
{
    public const string FileName = "kinds.yaml";

    /// <summary><paramref name="baseline"/> with the kinds of <paramref name="yaml"/> laid over it; errors (file, line, field) go to <paramref name="errors"/>, and then the baseline is returned.</summary>
    public static KindCatalog Read(string file, string yaml, KindCatalog baseline, List<RuleError> errors)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(errors);
        var found = new List<RuleError>();
        var kinds = new RuleFileReader(file, found, [], RuleParseOptions.Default).ReadKinds(yaml ?? "", baseline);
        errors.AddRange(found.OrderBy(e => e.Line).ThenBy(e => e.Column));
        return found.Count > 0 ? baseline : baseline.With(kinds);
    }

    /// <summary>1-64 characters of a-z, 0-9, _ or - (a kind is an MQTT topic level and an InfluxDB measurement).</summary>
    public static bool IsKindName(string name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-');

    /// <summary>1-64 characters of A-Z, a-z, 0-9 or _ (an InfluxDB field key, as payloads may name it).</summary>
    public static bool IsMetricName(string name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Whether a file of the rules folder is the kind catalog rather than a rule file.</summary>
    public static bool IsKindFile(string path) => string.Equals(Path.GetFileName(path), FileName, StringComparison.Ordinal);
}
