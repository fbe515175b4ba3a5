namespace CityOps.Rules.Expressions;

/// <summary><c>!x</c> or <c>-x</c>.</summary>
public sealed record UnaryNode(int Offset, string Operator, Node Operand) : Node(Offset);
