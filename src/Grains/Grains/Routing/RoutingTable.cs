using CityOps.Grains.Cases;

namespace CityOps.Grains.Routing;

/// <summary>
/// The routing in force: for a case's code and grid, its responsible unit, deadline and verification
/// limit. Routes are read top to bottom; each field comes from the first matching route that sets it,
/// then from the defaults (the code table's deadline in clock hours; 4 working hours for road
/// waterlogging and snow/ice, as in DOMAIN.md). Working time never applies to <c>red</c> or <c>orange</c>:
/// emergencies run round the clock.
/// </summary>
public sealed class RoutingTable
{
    public static readonly TimeSpan DefaultVerify = TimeSpan.FromHours(1);

    /// <summary>派遣时限 when neither a route nor <c>defaults.dispatch</c> sets one.</summary>
    public static readonly TimeSpan DefaultDispatch = TimeSpan.FromMinutes(30);

    private static readonly Route[] BuiltIn =
    [
        new("0406", null, null, TimeSpan.FromHours(4), true, null, null, CodeType.Event),
        new("0407", null, null, TimeSpan.FromHours(4), true, null, null, CodeType.Event),
    ];

    public RoutingTable(
        WorkCalendar calendar, IReadOnlyList<Route> routes, TimeSpan? defaultDeadline = null, TimeSpan? defaultVerify = null, string source = "built-in",
        TimeSpan? defaultDispatch = null)
    {
        Calendar = calendar;
        Routes = routes;
        DefaultDeadline = defaultDeadline;
        VerifyDefault = defaultVerify ?? DefaultVerify;
        DispatchDefault = defaultDispatch ?? DefaultDispatch;
        Source = source;
    }

    public WorkCalendar Calendar { get; }

    public IReadOnlyList<Route> Routes { get; }

    /// <summary>Deadline for codes no route names; null: the code table's.</summary>
    public TimeSpan? DefaultDeadline { get; }

    public TimeSpan VerifyDefault { get; }

    public TimeSpan DispatchDefault { get; }

    public string Source { get; }

    /// <summary>
    /// The unit and limits of a case of <paramref name="code"/> (in table <paramref name="type"/>, either when null) in
    /// <paramref name="grid"/> at <paramref name="severity"/>, filed at <paramref name="filedAt"/>.
    /// </summary>
    public RouteDecision Decide(string code, string? grid, string? gridUnit, DateTimeOffset filedAt, CodeType? type = null, Severity? severity = null, CaseCodeBook? codes = null)
    {
        string? unit = null;
        TimeSpan? deadline = null, verify = null, dispatch = null;
        bool? working = null, auto = null;
        foreach (var route in Routes.Concat(BuiltIn))
        {
            if (!route.Matches(code, grid, type))
            {
                continue;
            }

            unit ??= route.Unit;
            verify ??= route.Verify;
            auto ??= route.AutoDispatch;
            dispatch ??= route.Dispatch;
            if (deadline is null && route.DeadlineFor(severity) is { } limitOfRoute)
            {
                deadline = limitOfRoute;
                working = route.WorkingHours ?? false;
            }
        }

        var book = codes ?? CaseCodeBook.Standard;
        var limit = deadline ?? DefaultDeadline ?? book.Deadline(type ?? book.Resolve(code, null).Type, code);
        var inWorkingHours = deadline is not null && working == true && !IsEmergency(severity);
        var dispatchLimit = dispatch ?? DispatchDefault;
        return new RouteDecision(
            unit ?? gridUnit,
            limit,
            inWorkingHours,
            DueAt(filedAt, limit, inWorkingHours),
            verify ?? VerifyDefault,
            auto ?? false,
            dispatchLimit,
            filedAt + dispatchLimit);
    }

    /// <summary>Red and orange run on the clock, never on office hours.</summary>
    public static bool IsEmergency(Severity? severity) => severity >= Severity.Orange;

    public DateTimeOffset DueAt(DateTimeOffset from, TimeSpan limit, bool workingHours) =>
        workingHours ? Calendar.AddWorkingTime(from, limit) : from + limit;
}
