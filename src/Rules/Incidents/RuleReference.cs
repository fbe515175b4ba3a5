namespace CityOps.Rules.Incidents;

/// <summary>
/// A rule id named by another part of a rule file (an incident's <c>rules:</c>, a rule's <c>inhibits:</c>), checked once every
/// file is read, so a reference may point into another file. <see cref="Groups"/>: an incident's (a rule is grouped by one at most).
/// </summary>
internal sealed record RuleReference(string File, int Line, int Column, string Field, string RuleId, string Owner, bool Groups = true);
