using CityOps.Grains.Cases;

namespace CityOps.Grains.Routing;

/// <summary>
/// The routing in force: for a case's code and grid, its responsible unit, deadline and verification
/// limit. Routes are read top to bottom; each field comes from the first matching route that sets it,
/// then from the defaults (the code table's deadline in clock hours; 4 working hours for road
/// waterlogging and snow/ice, as in DOMAIN.md).
/// </summary>
public sealed class RoutingTable
{
    public static readonly TimeSpan DefaultVerify = TimeSpan.FromHours(1);

    private static readonly Route[] BuiltIn =
    [
        new("0406", null, null, TimeSpan.FromHours(4), true, null, null),
        new("0407", null, null, TimeSpan.FromHours(4), true, null, null),
    ];

    public RoutingTable(WorkCalendar calendar, IReadOnlyList<Route> routes, TimeSpan? defaultDeadline = null, TimeSpan? defaultVerify = null, string source = "built-in")
    {
        Calendar = calendar;
        Routes = routes;
        DefaultDeadline = defaultDeadline;
        VerifyDefault = defaultVerify ?? DefaultVerify;
        Source = source;
    }

    public static RoutingTable Default { get; } = new(WorkCalendar.Default, []);

    public WorkCalendar Calendar { get; }

    public IReadOnlyList<Route> Routes { get; }

    /// <summary>Deadline for codes no route names; null: the code table's.</summary>
    public TimeSpan? DefaultDeadline { get; }

    public TimeSpan VerifyDefault { get; }

    public string Source { get; }

    public RouteDecision Decide(string code, string? grid, string? gridUnit, DateTimeOffset filedAt)
    {
        string? unit = null;
        TimeSpan? deadline = null, verify = null;
        bool? working = null, auto = null;
        foreach (var route in Routes.Concat(BuiltIn))
        {
            if (!route.Matches(code, grid))
            {
                continue;
            }

            unit ??= route.Unit;
            verify ??= route.Verify;
            auto ??= route.AutoDispatch;
            if (deadline is null && route.Deadline is not null)
            {
                deadline = route.Deadline;
                working = route.WorkingHours ?? false;
            }
        }

        var limit = deadline ?? DefaultDeadline ?? CaseCodes.Deadline(code);
        var inWorkingHours = deadline is not null && working == true;
        return new RouteDecision(
            unit ?? gridUnit,
            limit,
            inWorkingHours,
            DueAt(filedAt, limit, inWorkingHours),
            verify ?? VerifyDefault,
            auto ?? false);
    }

    public DateTimeOffset DueAt(DateTimeOffset from, TimeSpan limit, bool workingHours) =>
        workingHours ? Calendar.AddWorkingTime(from, limit) : from + limit;
}
