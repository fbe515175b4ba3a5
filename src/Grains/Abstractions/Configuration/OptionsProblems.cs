using System.Globalization;

namespace CityOps.Grains.Configuration;

/// <summary>
/// The problems found in one configuration section, each as one plain line an operator can act on:
/// the full key, the value it has, and the rule it breaks (<c>CityOps:Mqtt:Port = 0: must be 1-65535</c>).
/// </summary>
public sealed class OptionsProblems(string section)
{
    private readonly List<string> _lines = [];

    public string Section { get; } = section;

    public IReadOnlyList<string> Lines => _lines;

    /// <summary>Adds a problem for <paramref name="key"/> (relative to the section) unless <paramref name="ok"/>.</summary>
    public void Require(bool ok, string key, object? value, string rule)
    {
        if (!ok)
        {
            Add(key, value, rule);
        }
    }

    public void Add(string key, object? value, string rule) => _lines.Add(Format($"{Section}:{key}", value, rule));

    /// <summary>For keys, passwords and tokens: the rule is stated, the value never printed (logs and terminals are shared).</summary>
    public void RequireSecret(bool ok, string key, string? value, string rule)
    {
        if (!ok)
        {
            _lines.Add($"{Section}:{key} = (hidden, {value?.Length ?? 0} characters): {rule}");
        }
    }

    public static string Format(string key, object? value, string rule) => $"{key} = {Show(value)}: {rule}";

    private static string Show(object? value) => value switch
    {
        null => "(unset)",
        string { Length: 0 } => "(empty)",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
