using System.Collections.Frozen;
using CityOps.Rules;

namespace CityOps.Grains.Cases;

/// <summary>
/// The two GB/T 30428 code tables, 部件 (components) and 事件 (events), each keyed by its own 4-digit codes: 部件 <c>0401</c>
/// is in 园林绿化, 事件 <c>0401</c> is 路面塌陷. The standard defaults of DOMAIN.md, changed and extended by
/// <c>CityOps:Codes</c>. A code neither table has resolves to its major class, then to 24 hours.
/// </summary>
public sealed class CaseCodeBook : ICaseCodeLookup
{
    private static readonly TimeSpan FallbackDeadline = TimeSpan.FromHours(24);

    private readonly FrozenDictionary<(CodeType, string), CaseCode> _codes;
    private readonly FrozenDictionary<(CodeType, string), string> _majors;

    public CaseCodeBook(IEnumerable<CaseCode> codes, IReadOnlyDictionary<(CodeType, string), string> majorClasses)
    {
        _majors = majorClasses.ToFrozenDictionary();
        _codes = codes.ToFrozenDictionary(c => (c.Type, c.Code), c => c with { Group = c.Group ?? _majors.GetValueOrDefault((c.Type, c.Code[..2])) });
        All = [.. _codes.Values.OrderBy(c => c.Type).ThenBy(c => c.Code, StringComparer.Ordinal)];
    }

    /// <summary>The standard tables (DOMAIN.md), with the local 21xx codes the shipped rules and demo use.</summary>
    public static CaseCodeBook Standard { get; } = new(StandardCodes.Codes, StandardCodes.MajorClasses);

    /// <summary>Every code, 事件 first, then 部件, each in code order (the Open311 services).</summary>
    public IReadOnlyList<CaseCode> All { get; }

    public CaseCode? Find(CodeType type, string code) => _codes.GetValueOrDefault((type, code));

    /// <summary>
    /// The table and 4-digit code of a code as filed: a 16-digit component id (部件标识码) is a 部件 and gives its class code;
    /// a type given is kept; otherwise the table that has the code (事件 when both or neither have it: what people report
    /// are events; components come with their ids).
    /// </summary>
    public (CodeType Type, string Code) Resolve(string code, CodeType? given)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length == 16 && code.All(char.IsAsciiDigit))
        {
            return (given ?? CodeType.Component, code.Substring(6, 4));
        }

        if (given is { } type)
        {
            return (type, code);
        }

        return !_codes.ContainsKey((CodeType.Event, code)) && _codes.ContainsKey((CodeType.Component, code))
            ? (CodeType.Component, code)
            : (CodeType.Event, code);
    }

    /// <summary>The code's name, else its major class's, else null.</summary>
    public string? Category(CodeType type, string code) =>
        Find(type, code)?.Name ?? (code.Length >= 2 ? _majors.GetValueOrDefault((type, code[..2])) : null);

    public TimeSpan Deadline(CodeType type, string code) => Find(type, code)?.Deadline ?? FallbackDeadline;

    public bool Knows(string code, string? codeType) => codeType switch
    {
        "component" => _codes.ContainsKey((CodeType.Component, code)),
        "event" => _codes.ContainsKey((CodeType.Event, code)),
        _ => code.Length == 16 || _codes.ContainsKey((CodeType.Event, code)) || _codes.ContainsKey((CodeType.Component, code)),
    };

    /// <summary>The standard tables with <paramref name="options"/> laid over them (a code named again replaces the default).</summary>
    public static CaseCodeBook From(CodesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var codes = StandardCodes.Codes.ToDictionary(c => (c.Type, c.Code));
        foreach (var (type, table) in new[] { (CodeType.Component, options.Components), (CodeType.Event, options.Events) })
        {
            foreach (var (code, entry) in table)
            {
                var standard = codes.GetValueOrDefault((type, code));
                codes[(type, code)] = new CaseCode(type, code, entry.Name ?? standard?.Name ?? code, null, entry.Deadline ?? standard?.Deadline ?? FallbackDeadline);
            }
        }

        return new CaseCodeBook(codes.Values, StandardCodes.MajorClasses);
    }
}
