namespace CityOps.Rules.Expressions;

/// <summary>A syntax error in a <c>where:</c> expression, at <see cref="Offset"/> (0-based) in its text.</summary>
public sealed class ExpressionException(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}
