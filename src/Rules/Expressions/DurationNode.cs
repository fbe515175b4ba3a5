namespace CityOps.Rules.Expressions;

/// <summary>A duration literal such as <c>5m</c>; only valid as the window of <c>rate()</c>.</summary>
public sealed record DurationNode(int Offset, TimeSpan Value, string Text) : Node(Offset);
