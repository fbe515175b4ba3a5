namespace CityOps.Grains.Routing;

/// <summary>
/// Working time of a city's units: work days, daily working hours, public holidays and make-up work
/// days (调休), in one time zone. Deadlines in working hours (e.g. "4 working hours" for road
/// waterlogging) run only while this calendar says the units are at work.
/// </summary>
public sealed class WorkCalendar
{
    public WorkCalendar(
        TimeZoneInfo timeZone,
        IReadOnlySet<DayOfWeek> workDays,
        IReadOnlyList<(TimeOnly Start, TimeOnly End)> hours,
        IReadOnlySet<DateOnly> holidays,
        IReadOnlySet<DateOnly> extraWorkDays)
    {
        if (hours.Count == 0 || hours.Any(h => h.End <= h.Start))
        {
            throw new ArgumentException("Working hours need at least one interval, each ending after it starts.", nameof(hours));
        }

        TimeZone = timeZone;
        WorkDays = workDays;
        Hours = [.. hours.OrderBy(h => h.Start)];
        Holidays = holidays;
        ExtraWorkDays = extraWorkDays;
    }

    /// <summary>Monday to Friday, 08:30–12:00 and 13:30–17:30, in the machine's time zone, no holidays.</summary>
    public static WorkCalendar Default { get; } = new(
        TimeZoneInfo.Local,
        new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday },
        [(new TimeOnly(8, 30), new TimeOnly(12, 0)), (new TimeOnly(13, 30), new TimeOnly(17, 30))],
        new HashSet<DateOnly>(),
        new HashSet<DateOnly>());

    public TimeZoneInfo TimeZone { get; }

    /// <summary>The same calendar in <paramref name="zone"/>.</summary>
    public WorkCalendar In(TimeZoneInfo zone) => new(zone, WorkDays, Hours, Holidays, ExtraWorkDays);

    public IReadOnlySet<DayOfWeek> WorkDays { get; }

    public IReadOnlyList<(TimeOnly Start, TimeOnly End)> Hours { get; }

    public IReadOnlySet<DateOnly> Holidays { get; }

    public IReadOnlySet<DateOnly> ExtraWorkDays { get; }

    public bool IsWorkDay(DateOnly day) =>
        ExtraWorkDays.Contains(day) || (WorkDays.Contains(day.DayOfWeek) && !Holidays.Contains(day));

    /// <summary>The moment <paramref name="working"/> of working time after <paramref name="start"/>.</summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset start, TimeSpan working)
    {
        var local = TimeZoneInfo.ConvertTime(start, TimeZone).DateTime;
        var remaining = working;
        var day = DateOnly.FromDateTime(local);

        // Three years of days without a single working hour means the calendar is unusable, not a deadline.
        for (var guard = 0; guard < 1100; guard++, day = day.AddDays(1))
        {
            if (!IsWorkDay(day))
            {
                continue;
            }

            foreach (var (from, to) in Hours)
            {
                var intervalStart = day.ToDateTime(from);
                var intervalEnd = day.ToDateTime(to);
                if (intervalEnd <= local)
                {
                    continue;
                }

                var begin = intervalStart > local ? intervalStart : local;
                var available = intervalEnd - begin;
                if (remaining <= available)
                {
                    return ToOffset(begin + remaining);
                }

                remaining -= available;
            }
        }

        throw new InvalidOperationException("The work calendar has no working time in the next three years.");
    }

    private DateTimeOffset ToOffset(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, TimeZone.GetUtcOffset(unspecified)).ToUniversalTime();
    }
}
