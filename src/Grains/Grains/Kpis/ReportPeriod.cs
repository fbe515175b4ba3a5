using System.Globalization;
using System.Text.RegularExpressions;

namespace CityOps.Grains.Kpis;

/// <summary>
/// A report's period: an ISO week (<c>2026-W48</c>, Monday to Monday) or a calendar month (<c>2026-11</c>), from
/// midnight to midnight in the city's time zone.
/// </summary>
public sealed partial record ReportPeriod(string Kind, string Name, DateTimeOffset From, DateTimeOffset To)
{
    public const string Weekly = "weekly";
    public const string Monthly = "monthly";

    /// <summary>The period named <paramref name="name"/>, or the one running at <paramref name="now"/> when it is empty; null when the name is not one.</summary>
    public static ReportPeriod? Parse(string kind, string? name, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        if (kind == Weekly)
        {
            var (year, week) = string.IsNullOrEmpty(name) ? (ISOWeek.GetYear(local), ISOWeek.GetWeekOfYear(local)) : Numbers(WeekPattern(), name);
            if (year is < 2000 or > 2100 || week < 1 || week > ISOWeek.GetWeeksInYear(year))
            {
                return null;
            }

            var monday = ISOWeek.ToDateTime(year, week, DayOfWeek.Monday);
            return new ReportPeriod(kind, $"{year:D4}-W{week:D2}", At(monday, zone), At(monday.AddDays(7), zone));
        }

        if (kind == Monthly)
        {
            var (year, month) = string.IsNullOrEmpty(name) ? (local.Year, local.Month) : Numbers(MonthPattern(), name);
            if (year is < 2000 or > 2100 || month is < 1 or > 12)
            {
                return null;
            }

            var first = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified);
            return new ReportPeriod(kind, $"{year:D4}-{month:D2}", At(first, zone), At(first.AddMonths(1), zone));
        }

        return null;
    }

    /// <summary>The two numbers of a period name, or (0, 0) when it does not match.</summary>
    private static (int, int) Numbers(Regex pattern, string name) =>
        pattern.Match(name) is { Success: true } m
            ? (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))
            : (0, 0);

    private static DateTimeOffset At(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
    }

    [GeneratedRegex(@"^(\d{4})-W(\d{2})$")]
    private static partial Regex WeekPattern();

    [GeneratedRegex(@"^(\d{4})-(\d{2})$")]
    private static partial Regex MonthPattern();
}
