namespace CityOps.Grains.RuleSets;

/// <summary>One stored version of the rule set: when, by whom (an API key's name, <c>api</c>, or <c>file</c>), the files it was made from, and a note (e.g. a restore).</summary>
public sealed record RuleVersion(int Version, DateTimeOffset CreatedAt, string Author, IReadOnlyDictionary<string, string> Sources, string? Note = null);
