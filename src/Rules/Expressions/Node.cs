namespace CityOps.Rules.Expressions;

/// <summary>A node of a parsed <c>where:</c> expression; <see cref="Offset"/> points at its first character.</summary>
public abstract record Node(int Offset);
