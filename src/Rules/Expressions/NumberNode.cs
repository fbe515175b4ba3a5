namespace CityOps.Rules.Expressions;

public sealed record NumberNode(int Offset, double Value) : Node(Offset);
