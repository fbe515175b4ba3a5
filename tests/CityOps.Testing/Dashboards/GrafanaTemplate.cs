using System.Text;
using System.Text.RegularExpressions;

namespace CityOps.Tests.Dashboards;

/// <summary>
/// What Grafana's InfluxDB data source does to a raw InfluxQL query before sending it: the time range and
/// interval macros, and template variables, formatted as it formats multi-value variables (values
/// regex-escaped, several joined as <c>(a|b)</c>, "All" as the variable's <c>allValue</c>).
/// </summary>
public static partial class GrafanaTemplate
{
    public const string LastHour = "time > now() - 1h";

    /// <summary>Substitutes every macro and variable; a name it does not know is an error, as a dashboard bug.</summary>
    public static string Render(string query, IReadOnlyDictionary<string, string> variables, string timeFilter = LastHour, string interval = "10s") =>
        Variable().Replace(query, match =>
        {
            var name = match.Groups["plain"].Success ? match.Groups["plain"].Value
                : match.Groups["braced"].Success ? match.Groups["braced"].Value
                : match.Groups["old"].Value;
            return name switch
            {
                "timeFilter" or "__timeFilter" => timeFilter,
                "__interval" or "interval" => interval,
                _ when variables.TryGetValue(name, out var value) => value,
                _ => throw new InvalidOperationException($"unknown template variable ${name} in: {query}"),
            };
        });

    /// <summary>How Grafana writes selected values of a multi-value variable into a regex.</summary>
    public static string Selected(params string[] values) =>
        values.Length == 1 ? EscapeRegex(values[0]) : "(" + string.Join('|', values.Select(EscapeRegex)) + ")";

    public static string EscapeRegex(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (@"\^$.|?*+()[]{}/".Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    /// <summary>The names a query refers to (<c>$name</c>, <c>${name}</c>, <c>[[name]]</c>).</summary>
    public static IEnumerable<string> Names(string query) =>
        Variable().Matches(query).Select(m => m.Groups["plain"].Success ? m.Groups["plain"].Value
            : m.Groups["braced"].Success ? m.Groups["braced"].Value
            : m.Groups["old"].Value);

    [GeneratedRegex(@"\$(?<plain>[A-Za-z_]\w*)|\$\{(?<braced>[A-Za-z_]\w*)(:\w+)?\}|\[\[(?<old>[A-Za-z_]\w*)\]\]")]
    private static partial Regex Variable();
}
