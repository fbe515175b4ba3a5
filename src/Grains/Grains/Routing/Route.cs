namespace CityOps.Grains.Routing;

/// <summary>
/// One line of <c>routing.yaml</c>: cases whose code starts with <see cref="Code"/> (in the table <see cref="Type"/>, or
/// either) and whose grid starts with <see cref="Grid"/> (any may be left out) go to <see cref="Unit"/> with these limits.
/// <see cref="Deadlines"/>: 处置时限 per severity (<c>red</c>, <c>orange</c>, …), <see cref="Deadline"/> for the others;
/// <see cref="Dispatch"/>: 派遣时限. Anything a route leaves out is taken from the next matching route, then from the defaults.
/// </summary>
public sealed record Route(
    string? Code,
    string? Grid,
    string? Unit,
    TimeSpan? Deadline,
    bool? WorkingHours,
    TimeSpan? Verify,
    bool? AutoDispatch,
    CodeType? Type = null,
    IReadOnlyDictionary<string, TimeSpan>? Deadlines = null,
    TimeSpan? Dispatch = null)
{
    public bool Matches(string code, string? grid, CodeType? type = null) =>
        (Code is null || code.StartsWith(Code, StringComparison.Ordinal))
        && (Type is null || type is null || Type == type)
        && (Grid is null || (grid is not null && grid.StartsWith(Grid, StringComparison.Ordinal)));

    /// <summary>This route's 处置时限 for a case of <paramref name="severity"/>, if it sets one.</summary>
    public TimeSpan? DeadlineFor(Severity? severity) =>
        severity is { } named && Deadlines is not null && Deadlines.TryGetValue(WireNames.Of(named), out var limit) ? limit : Deadline;
}
