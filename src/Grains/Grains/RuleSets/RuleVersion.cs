namespace CityOps.Grains.RuleSets;

/// <summary>One stored version of the rule set: when, by whom, and the files it was made from.</summary>
public sealed record RuleVersion(int Version, DateTimeOffset CreatedAt, string Author, IReadOnlyDictionary<string, string> Sources);
