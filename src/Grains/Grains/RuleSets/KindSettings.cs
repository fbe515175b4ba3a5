namespace CityOps.Grains.RuleSets;

/// <summary>One kind under <c>CityOps:Kinds:{kind}</c>: every key optional, laid over the built-in kinds and <c>kinds.yaml</c>.</summary>
public sealed class KindSettings
{
    public string? Title { get; set; }

    /// <summary>The 部件/事件 code of a case whose rule renders none.</summary>
    public string? Code { get; set; }

    /// <summary>Silence after which a device of the kind without an offline rule counts as offline.</summary>
    public TimeSpan? Offline { get; set; }

    /// <summary>How often the kind's devices report; a <c>predict:</c> must fit its line over at least two intervals.</summary>
    public TimeSpan? Interval { get; set; }

    public Dictionary<string, MetricSettings> Metrics { get; set; } = [];
}

/// <summary>One metric under <c>CityOps:Kinds:{kind}:Metrics:{metric}</c>.</summary>
public sealed class MetricSettings
{
    public string? Unit { get; set; }

    public double? Min { get; set; }

    public double? Max { get; set; }
}
