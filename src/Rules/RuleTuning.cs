namespace CityOps.Rules;

/// <summary>
/// One device's own settings for one rule, from its attributes (see <see cref="DeviceTuning"/>): its threshold ladder
/// and offline window, where they differ from the rule's.
/// </summary>
public sealed record RuleTuning(ImmutableArray<double> Thresholds, TimeSpan? Offline);
