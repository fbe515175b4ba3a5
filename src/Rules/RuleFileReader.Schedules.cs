using System.Text.RegularExpressions;
using CityOps.Rules.Schedules;
using YamlDotNet.RepresentationModel;

namespace CityOps.Rules;

/// <summary><c>when:</c> of a rule: <c>night</c>/<c>day</c> by the sun, or a schedule <c>{ between, days, timeZone }</c> in local time.</summary>
internal sealed partial class RuleFileReader
{
    private static readonly string[] _scheduleKeys = ["between", "days", "timeZone"];
    private static readonly string[] _dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    /// <summary>The <c>when:</c> as written (canonical for a schedule); <paramref name="sun"/> and <paramref name="schedule"/> are what the evaluator uses.</summary>
    private string? ReadWhenField(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, out SunCondition sun, out TimeWindow? schedule)
    {
        schedule = null;
        sun = SunCondition.Any;
        if (!fields.TryGetValue("when", out var field) || field.Value is not YamlMappingNode map)
        {
            var when = OptionalText(fields, path, "when");
            sun = ReadWhen(fields, path, when);
            return when;
        }

        schedule = ReadSchedule(map, Join(path, "when"));
        return schedule is null ? null : Describe(schedule);
    }

    private TimeWindow? ReadSchedule(YamlMappingNode map, string path)
    {
        var errorsBefore = _errors.Count;
        var fields = Fields(map, path, _scheduleKeys);
        if (!fields.ContainsKey("between") && !fields.ContainsKey("days"))
        {
            Add(map, path, "a schedule needs between: and/or days:, e.g. when: { between: \"20:00-04:30\", days: [mon, tue, wed, thu, fri] }");
            return null;
        }

        var start = TimeSpan.Zero;
        var end = TimeSpan.Zero;
        if (OptionalText(fields, path, "between") is { } between)
        {
            var match = Regex.Match(between, @"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            if (!match.Success || Clock(match, 1) is not { } from || Clock(match, 3) is not { } to || from == TimeSpan.FromDays(1))
            {
                Add(fields["between"].Value, Join(path, "between"), $"'{between}' is not a time window; write \"HH:MM-HH:MM\" in 24-hour local time, e.g. \"20:00-04:30\" (a window past midnight belongs to the day it starts)");
            }
            else if (from == to || (from == TimeSpan.Zero && to == TimeSpan.FromDays(1)))
            {
                Add(fields["between"].Value, Join(path, "between"), $"'{between}' is the whole day; leave between: out and list the days");
            }
            else
            {
                (start, end) = (from, to == TimeSpan.FromDays(1) ? TimeSpan.Zero : to);
            }
        }

        var days = TimeWindow.EveryDay;
        if (fields.TryGetValue("days", out var daysField))
        {
            days = ReadDays(daysField.Value, Join(path, "days"));
        }

        var zone = _options.TimeZone;
        if (OptionalText(fields, path, "timeZone") is { } zoneId)
        {
            if (TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found))
            {
                zone = found;
            }
            else
            {
                Add(fields["timeZone"].Value, Join(path, "timeZone"), $"unknown time zone '{zoneId}'; use an IANA id such as Asia/Shanghai");
            }
        }

        return _errors.Count > errorsBefore ? null : new TimeWindow(start, end, days, zone);
    }

    private int ReadDays(YamlNode node, string path)
    {
        if (node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            Add(node, path, "days is a list of mon, tue, wed, thu, fri, sat, sun, e.g. days: [mon, tue, wed, thu, fri]");
            return 0;
        }

        var mask = 0;
        for (var i = 0; i < list.Children.Count; i++)
        {
            var day = list.Children[i] is YamlScalarNode { Value: { } text } ? Array.IndexOf(_dayNames, text.Trim().ToLowerInvariant()) : -1;
            if (day < 0)
            {
                Add(list.Children[i], $"{path}[{i}]", $"'{(list.Children[i] as YamlScalarNode)?.Value}' is not a day; use mon, tue, wed, thu, fri, sat or sun");
                continue;
            }

            mask |= 1 << day;
        }

        return mask;
    }

    private static TimeSpan? Clock(Match match, int group)
    {
        var hours = int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        var minutes = int.Parse(match.Groups[group + 1].Value, CultureInfo.InvariantCulture);
        return hours > 24 || minutes > 59 || (hours == 24 && minutes > 0) ? null : new TimeSpan(hours, minutes, 0);
    }

    private static string Describe(TimeWindow window)
    {
        var days = string.Join(',', Enumerable.Range(0, 7).Select(d => (d + 1) % 7).Where(d => (window.DayMask & (1 << d)) != 0).Select(d => _dayNames[d]));
        return $"between {window.Start:hh\\:mm}-{window.End:hh\\:mm} days {days} timeZone {window.Zone.Id}";
    }
}
