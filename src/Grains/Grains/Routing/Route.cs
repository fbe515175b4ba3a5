namespace CityOps.Grains.Routing;

/// <summary>
/// One line of <c>routing.yaml</c>: cases whose code starts with <see cref="Code"/> and whose grid starts
/// with <see cref="Grid"/> (either may be left out) go to <see cref="Unit"/> with these limits.
/// Anything a route leaves out is taken from the next matching route, then from the defaults.
/// </summary>
public sealed record Route(
    string? Code,
    string? Grid,
    string? Unit,
    TimeSpan? Deadline,
    bool? WorkingHours,
    TimeSpan? Verify,
    bool? AutoDispatch)
{
    public bool Matches(string code, string? grid) =>
        (Code is null || code.StartsWith(Code, StringComparison.Ordinal))
        && (Grid is null || (grid is not null && grid.StartsWith(Grid, StringComparison.Ordinal)));
}
