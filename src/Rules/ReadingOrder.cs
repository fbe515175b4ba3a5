namespace CityOps.Rules;

/// <summary>Where a reading stands against the newest one judged on its device (<see cref="DeviceJudge.Order"/>).</summary>
public enum ReadingOrder
{
    /// <summary>Newer, or as new and not a redelivery: judged.</summary>
    Next,

    /// <summary>The same <c>ts</c> and <c>seq</c> as the last one judged: not judged twice.</summary>
    Redelivered,

    /// <summary>Older than the last one judged: stored, not judged.</summary>
    Late,

    /// <summary>Stamped further ahead of the node's clock than the tolerance: stored, not judged.</summary>
    Ahead,
}
