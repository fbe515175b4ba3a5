using System.Collections.Immutable;

namespace CityOps.Rules;

/// <summary>One compiled rule from a rule file. Immutable once built; shared by every device of its kind.</summary>
public sealed class Rule
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    /// <summary>The metric a threshold rule watches; null for offline rules and may be null for condition rules.</summary>
    public string? Metric { get; init; }

    public ThresholdDirection Direction { get; init; }

    /// <summary>The severity ladder, least severe first.</summary>
    public ImmutableArray<Level> Levels { get; init; } = [];

    /// <summary>How long the breach must hold before the alarm is raised; zero raises at once.</summary>
    public TimeSpan For { get; init; }

    public ClearPolicy Clear { get; init; } = ClearPolicy.Immediate;

    /// <summary>Set on offline rules: the silence after which the device counts as offline.</summary>
    public TimeSpan? Offline { get; init; }

    public required CaseTemplate Case { get; init; }

    /// <summary>Free text for people reading the rule set; ignored by the engine.</summary>
    public string? Description { get; init; }

    // Kept verbatim and not evaluated yet: a rule carrying any of these is parsed and listed but never fires.
    public string? Where { get; init; }

    public string? When { get; init; }

    public string? Inside { get; init; }

    public string? Outside { get; init; }

    public string? Count { get; init; }

    public string SourceFile { get; init; } = "";

    /// <summary>1-based line of the rule's first key in <see cref="SourceFile"/>.</summary>
    public int SourceLine { get; init; }

    public int SourceColumn { get; init; }

    public bool IsOffline => Offline is not null;

    /// <summary>True when the rule uses <c>where</c>, <c>when</c>, <c>inside</c>, <c>outside</c> or <c>count</c>.</summary>
    public bool HasConditions => Where is not null || When is not null || Inside is not null || Outside is not null || Count is not null;

    /// <summary>True for plain threshold rules, the ones <see cref="RuleEvaluator.Evaluate"/> can judge today.</summary>
    public bool IsEvaluable => Offline is null && Metric is not null && !HasConditions && !Levels.IsDefaultOrEmpty && Levels[0].HasThreshold;

    public override string ToString() => $"{Id} ({Kind}, {SourceFile}:{SourceLine})";
}
