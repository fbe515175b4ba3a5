namespace CityOps.Rules.Expressions;

/// <summary>One problem found while parsing or compiling an expression, at <see cref="Offset"/> (0-based) in its text.</summary>
public readonly record struct ExpressionProblem(int Offset, string Message);
