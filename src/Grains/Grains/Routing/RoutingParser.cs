using System.Globalization;
using CityOps.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CityOps.Grains.Routing;

/// <summary>
/// Reads <c>routing.yaml</c>. Errors name the line and field; a file with any error is refused whole.
/// </summary>
public static class RoutingParser
{
    private static readonly Dictionary<string, DayOfWeek> Days = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mon"] = DayOfWeek.Monday, ["tue"] = DayOfWeek.Tuesday, ["wed"] = DayOfWeek.Wednesday, ["thu"] = DayOfWeek.Thursday,
        ["fri"] = DayOfWeek.Friday, ["sat"] = DayOfWeek.Saturday, ["sun"] = DayOfWeek.Sunday,
    };

    /// <param name="timeZone">The calendar's zone unless <c>calendar.timeZone</c> names one: the city's; null: the machine's.</param>
    public static RoutingTable Parse(string yaml, string source, out IReadOnlyList<string> errors, TimeZoneInfo? timeZone = null)
    {
        var defaultCalendar = WorkCalendar.Default.In(timeZone ?? TimeZoneInfo.Local);
        var problems = new List<string>();
        errors = problems;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            problems.Add($"{source}:{ex.Start.Line}: {ex.Message}");
            return new RoutingTable(defaultCalendar, []);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return new RoutingTable(defaultCalendar, [], source: source);
        }

        void Error(YamlNode node, string field, string message) => problems.Add($"{source}:{node.Start.Line}: {field}: {message}");

        var calendar = defaultCalendar;
        if (Child(root, "calendar") is YamlMappingNode cal)
        {
            calendar = ParseCalendar(cal, defaultCalendar.TimeZone, Error) ?? calendar;
        }

        TimeSpan? defaultDeadline = null, defaultVerify = null, defaultDispatch = null;
        if (Child(root, "defaults") is YamlMappingNode defaults)
        {
            defaultDeadline = Duration(defaults, "deadline", "defaults.deadline", Error);
            defaultVerify = Duration(defaults, "verify", "defaults.verify", Error);
            defaultDispatch = Duration(defaults, "dispatch", "defaults.dispatch", Error);
        }

        var routes = new List<Route>();
        if (Child(root, "routes") is { } routesNode)
        {
            if (routesNode is not YamlSequenceNode sequence)
            {
                Error(routesNode, "routes", "must be a list");
            }
            else
            {
                var index = 0;
                foreach (var item in sequence)
                {
                    var field = $"routes[{index++}]";
                    if (item is not YamlMappingNode map)
                    {
                        Error(item, field, "must be a mapping");
                        continue;
                    }

                    var code = Scalar(map, "code");
                    var grid = Scalar(map, "grid");
                    if (code is not null && !code.All(char.IsAsciiDigit))
                    {
                        Error(map, field + ".code", "is a code or code prefix of digits");
                    }

                    if (grid is not null && (grid.Length > 15 || !grid.All(char.IsAsciiDigit)))
                    {
                        Error(map, field + ".grid", "is a grid code prefix of at most 15 digits");
                    }

                    var timing = Scalar(map, "timing");
                    if (timing is not null and not "working" and not "clock")
                    {
                        Error(map, field + ".timing", "is working or clock");
                    }

                    var codeType = Scalar(map, "codeType");
                    CodeType? type = codeType switch
                    {
                        null => null,
                        "component" => CodeType.Component,
                        "event" => CodeType.Event,
                        _ => null,
                    };
                    if (codeType is not null && type is null)
                    {
                        Error(map, field + ".codeType", "is component (部件) or event (事件)");
                    }

                    var deadline = Duration(map, "deadline", field + ".deadline", Error);
                    var deadlines = Deadlines(map, field + ".deadlines", Error);
                    if (deadlines is not null && deadlines.Remove("default", out var byDefault))
                    {
                        if (deadline is not null)
                        {
                            Error(map, field + ".deadlines.default", "is the same as deadline: give one of them");
                        }

                        deadline = byDefault;
                    }

                    routes.Add(new Route(
                        code, grid, Scalar(map, "unit"),
                        deadline,
                        timing is null ? null : timing == "working",
                        Duration(map, "verify", field + ".verify", Error),
                        Bool(map, "autoDispatch", field + ".autoDispatch", Error),
                        type,
                        deadlines,
                        Duration(map, "dispatch", field + ".dispatch", Error)));
                }
            }
        }

        return new RoutingTable(calendar, routes, defaultDeadline, defaultVerify, source, defaultDispatch);
    }

    private static readonly string[] DeadlineKeys = ["red", "orange", "yellow", "blue", "default"];

    /// <summary><c>deadlines: { red: 1h, orange: 2h, default: 4h }</c>: 处置时限 per severity.</summary>
    private static Dictionary<string, TimeSpan>? Deadlines(YamlMappingNode map, string field, Action<YamlNode, string, string> error)
    {
        if (Child(map, "deadlines") is not { } node)
        {
            return null;
        }

        if (node is not YamlMappingNode deadlines)
        {
            error(node, field, "is a mapping of severity to duration, e.g. { red: 1h, orange: 2h, default: 4h }");
            return null;
        }

        var result = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (key, _) in deadlines.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!DeadlineKeys.Contains(name))
            {
                error(key, field, $"'{name}' is not red, orange, yellow, blue or default");
            }
            else if (Duration(deadlines, name, field + "." + name, error) is { } limit)
            {
                result[name] = limit;
            }
        }

        return result;
    }

    private static WorkCalendar? ParseCalendar(YamlMappingNode cal, TimeZoneInfo zone, Action<YamlNode, string, string> error)
    {
        if (Scalar(cal, "timeZone") is { } zoneId)
        {
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found))
            {
                error(cal, "calendar.timeZone", $"unknown time zone '{zoneId}'");
                return null;
            }

            zone = found;
        }

        var workDays = new HashSet<DayOfWeek>(WorkCalendar.Default.WorkDays);
        if (Child(cal, "workDays") is YamlSequenceNode days)
        {
            workDays.Clear();
            foreach (var day in days.OfType<YamlScalarNode>())
            {
                if (day.Value is { } name && Days.TryGetValue(name[..Math.Min(3, name.Length)], out var dow))
                {
                    workDays.Add(dow);
                }
                else
                {
                    error(day, "calendar.workDays", $"'{day.Value}' is not a day (mon … sun)");
                }
            }
        }

        var hours = WorkCalendar.Default.Hours.ToList();
        if (Child(cal, "hours") is YamlSequenceNode intervals)
        {
            hours.Clear();
            foreach (var interval in intervals.OfType<YamlScalarNode>())
            {
                var parts = interval.Value?.Split('-', 2);
                if (parts is [var a, var b]
                    && TimeOnly.TryParseExact(a.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                    && TimeOnly.TryParseExact(b.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
                    && end > start)
                {
                    hours.Add((start, end));
                }
                else
                {
                    error(interval, "calendar.hours", $"'{interval.Value}' is not an interval like 08:30-12:00");
                }
            }
        }

        var holidays = Dates(cal, "holidays", error);
        var extra = Dates(cal, "extraWorkDays", error);
        return hours.Count == 0 ? null : new WorkCalendar(zone, workDays, hours, holidays, extra);
    }

    private static HashSet<DateOnly> Dates(YamlMappingNode map, string key, Action<YamlNode, string, string> error)
    {
        var dates = new HashSet<DateOnly>();
        if (Child(map, key) is YamlSequenceNode list)
        {
            foreach (var item in list.OfType<YamlScalarNode>())
            {
                if (DateOnly.TryParseExact(item.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    dates.Add(date);
                }
                else
                {
                    error(item, "calendar." + key, $"'{item.Value}' is not a date like 2026-10-01");
                }
            }
        }

        return dates;
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static string? Scalar(YamlMappingNode map, string key) =>
        Child(map, key) is YamlScalarNode { Value: { Length: > 0 } value } ? value : null;

    private static TimeSpan? Duration(YamlMappingNode map, string key, string field, Action<YamlNode, string, string> error)
    {
        if (Scalar(map, key) is not { } text)
        {
            return null;
        }

        if (Durations.TryParse(text, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        error(Child(map, key)!, field, $"'{text}' is not a duration like 30m, 4h, 1d");
        return null;
    }

    private static bool? Bool(YamlMappingNode map, string key, string field, Action<YamlNode, string, string> error)
    {
        if (Scalar(map, key) is not { } text)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        error(Child(map, key)!, field, $"'{text}' is true or false");
        return null;
    }
}
