namespace CityOps.Rules.Expressions;

/// <summary>A function call: <c>abs(x)</c>, <c>min(a, b)</c>, <c>max(a, b)</c>, <c>rate(metric, 5m)</c>.</summary>
public sealed record CallNode(int Offset, string Function, ImmutableArray<Node> Arguments) : Node(Offset);
