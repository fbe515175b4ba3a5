using System.Text;

namespace CityOps.Rules;

/// <summary>
/// The case a rule raises. <see cref="Code"/> and <see cref="Title"/> may hold placeholders such as
/// <c>{value}</c>, <c>{peak}</c>, <c>{eta}</c>, <c>{severity}</c>, <c>{device.code}</c>, <c>{device.name}</c>, <c>{device.id}</c>;
/// the caller resolves them, so formatting of numbers stays with the caller. <c>{{</c> and <c>}}</c> are literal braces.
/// <see cref="File"/> and <see cref="FileFrom"/> are the filing policy of the alarm desk: whether an alarm files its case
/// at once, waits for a person's <c>file</c>, or never files one. <see cref="CodeType"/>: <c>component</c> (部件) or <c>event</c>
/// (事件) when the rule says which table its code is from; null: the code tables decide.
/// </summary>
public sealed record CaseTemplate(string Code, string Title, FilingMode File = FilingMode.Auto, Severity? FileFrom = null, string? CodeType = null)
{
    /// <summary>True when an alarm at <paramref name="severity"/> files its case without a person (auto, from <see cref="FileFrom"/> up).</summary>
    public bool FilesAt(Severity severity) => File == FilingMode.Auto && (FileFrom is not { } from || severity >= from);

    /// <summary><c>{eta}</c> of a <c>predict:</c> alarm: whole minutes, rounded up, e.g. "12 分钟"; null when there is none.</summary>
    public static string? FormatEta(double? minutes) =>
        minutes is { } m && double.IsFinite(m) ? Math.Ceiling(m).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " 分钟" : null;

    public string RenderCode(Func<string, string?> resolve) => Render(Code, resolve);

    public string RenderTitle(Func<string, string?> resolve) => Render(Title, resolve);

    /// <summary>Replaces every placeholder by <paramref name="resolve"/>'s answer, or by nothing when it answers null.</summary>
    public static string Render(string template, Func<string, string?> resolve)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(resolve);
        if (template.AsSpan().IndexOfAny('{', '}') < 0)
        {
            return template;
        }

        var text = new StringBuilder(template.Length + 16);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            var next = i + 1 < template.Length ? template[i + 1] : '\0';
            if ((c == '{' && next == '{') || (c == '}' && next == '}'))
            {
                text.Append(c);
                i++;
            }
            else if (c == '{' && template.IndexOf('}', i + 1) is var close and > 0)
            {
                text.Append(resolve(template[(i + 1)..close].Trim()));
                i = close;
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>The placeholder names in a template, or an explanation of why it is malformed.</summary>
    public static bool TryGetPlaceholders(string template, out IReadOnlyList<string> names, out string? problem)
    {
        var found = new List<string>();
        names = found;
        problem = null;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            var next = i + 1 < template.Length ? template[i + 1] : '\0';
            if ((c == '{' && next == '{') || (c == '}' && next == '}'))
            {
                i++;
                continue;
            }

            if (c == '}')
            {
                problem = "a '}' without its '{'; write }} for a literal brace";
                return false;
            }

            if (c != '{')
            {
                continue;
            }

            var close = template.IndexOf('}', i + 1);
            if (close < 0)
            {
                problem = "a '{' is never closed; write {{ for a literal brace";
                return false;
            }

            var name = template[(i + 1)..close].Trim();
            if (name.Length == 0 || name.Contains('{'))
            {
                problem = "an empty or nested placeholder; write e.g. {value} or {device.code}";
                return false;
            }

            found.Add(name);
            i = close;
        }

        return true;
    }
}
