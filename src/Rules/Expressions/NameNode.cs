namespace CityOps.Rules.Expressions;

/// <summary>A metric of the reading (<c>depth_cm</c>) or a device attribute (<c>device.height_cm</c>).</summary>
public sealed record NameNode(int Offset, string Name) : Node(Offset);
