namespace CityOps.Rules.Expressions;

/// <summary><c>a op b</c>; <see cref="OperatorOffset"/> is where the operator is written.</summary>
public sealed record BinaryNode(int Offset, string Operator, int OperatorOffset, Node Left, Node Right) : Node(Offset);
