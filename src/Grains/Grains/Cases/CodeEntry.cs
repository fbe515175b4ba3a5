namespace CityOps.Grains.Cases;

/// <summary>One configured code: its name and default 处置时限 (either may be left to the standard's).</summary>
public sealed class CodeEntry
{
    public string? Name { get; set; }

    public TimeSpan? Deadline { get; set; }
}
