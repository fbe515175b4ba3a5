namespace CityOps.Rules.Expressions;

/// <summary>
/// A <c>where:</c> expression compiled to a delegate once per rule set version. <see cref="Slots"/> are the metrics it
/// reads: a reading missing any of them is not judged by the rule. <see cref="RateWindow"/> is the longest
/// <c>rate()</c> window, i.e. how much history the device must keep.
/// </summary>
public sealed record CompiledExpression(string Text, Node Root, Func<ReadingContext, bool> Test, ImmutableArray<int> Slots, TimeSpan RateWindow);
