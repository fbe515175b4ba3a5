using System.Text;

namespace CityOps.Rules;

/// <summary>
/// Durations as engineers write them in rule files: whole numbers with units <c>d</c>, <c>h</c>, <c>m</c>, <c>s</c>,
/// largest first (<c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>), or a bare <c>0</c>.
/// </summary>
public static class Durations
{
    private const string Units = "dhms";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.AsSpan().Trim();
        if (s.Length == 0)
        {
            return false;
        }

        if (s is "0")
        {
            return true;
        }

        long seconds = 0;
        var lastUnit = -1;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            // Nine digits keep the sum far from overflow while allowing any sensible duration.
            if (i == start || i - start > 9 || i == s.Length)
            {
                return false;
            }

            var unit = Units.IndexOf(char.ToLowerInvariant(s[i]));
            if (unit <= lastUnit)
            {
                return false;
            }

            var number = long.Parse(s[start..i], NumberStyles.None, CultureInfo.InvariantCulture);
            seconds += unit switch
            {
                0 => number * 86_400,
                1 => number * 3_600,
                2 => number * 60,
                _ => number,
            };
            lastUnit = unit;
            i++;
        }

        if (seconds > (long)TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>The shortest rule-file spelling, e.g. <c>1h30m</c>; sub-second parts are dropped.</summary>
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            return "0";
        }

        var text = new StringBuilder();
        Append(text, value.Days, 'd');
        Append(text, value.Hours, 'h');
        Append(text, value.Minutes, 'm');
        Append(text, value.Seconds, 's');
        return text.Length == 0 ? "0" : text.ToString();
    }

    private static void Append(StringBuilder text, int amount, char unit)
    {
        if (amount > 0)
        {
            text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
