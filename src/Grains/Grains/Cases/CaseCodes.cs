namespace CityOps.Grains.Cases;

/// <summary>
/// GB/T 30428.2 部件/事件 codes CityOps raises by default, with their names and default
/// 处置时限 (DOMAIN.md). Codes a city adds resolve to their major class, then to 24 hours.
/// </summary>
public static class CaseCodes
{
    private static readonly Dictionary<string, (string Name, TimeSpan Deadline)> Known = new()
    {
        ["0101"] = ("上水井盖", TimeSpan.FromHours(6)),
        ["0102"] = ("污水井盖", TimeSpan.FromHours(6)),
        ["0103"] = ("雨水井盖", TimeSpan.FromHours(6)),
        ["0104"] = ("雨水箅子", TimeSpan.FromHours(6)),
        ["0105"] = ("电力井盖", TimeSpan.FromHours(6)),
        ["0106"] = ("路灯井盖", TimeSpan.FromHours(6)),
        ["0107"] = ("通讯井盖", TimeSpan.FromHours(6)),
        ["0108"] = ("电视井盖", TimeSpan.FromHours(6)),
        ["0109"] = ("网络井盖", TimeSpan.FromHours(6)),
        ["0110"] = ("热力井盖", TimeSpan.FromHours(6)),
        ["0111"] = ("燃气井盖", TimeSpan.FromHours(3)),
        ["0112"] = ("公安井盖", TimeSpan.FromHours(6)),
        ["0114"] = ("无主井盖", TimeSpan.FromHours(6)),
        ["0118"] = ("路灯", TimeSpan.FromHours(24)),
        ["0120"] = ("景观灯", TimeSpan.FromHours(24)),
        ["0406"] = ("道路积水", TimeSpan.FromHours(4)),
        ["0407"] = ("道路积雪结冰", TimeSpan.FromHours(4)),
    };

    private static readonly Dictionary<string, string> MajorClasses = new()
    {
        ["01"] = "公用设施",
        ["02"] = "道路交通",
        ["03"] = "市容环境",
        ["04"] = "园林绿化",
        ["05"] = "房屋土地",
        ["06"] = "其他设施",
        ["21"] = "扩展",
    };

    /// <summary>Every code in the table, in code order, with its name and its major class (the Open311 services).</summary>
    public static IReadOnlyList<(string Code, string Name, string? Group)> All { get; } =
        [.. Known.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => (k.Key, k.Value.Name, MajorClasses.GetValueOrDefault(k.Key[..2])))];

    /// <summary>Normalises a code: a 16-digit component id (部件标识码) gives its 4-digit class code.</summary>
    public static string Normalize(string code) =>
        code.Length == 16 && code.All(char.IsAsciiDigit) ? code.Substring(6, 4) : code;

    public static string? Category(string code)
    {
        if (Known.TryGetValue(code, out var known))
        {
            return known.Name;
        }

        return code.Length >= 2 && MajorClasses.TryGetValue(code[..2], out var major) ? major : null;
    }

    public static TimeSpan Deadline(string code) =>
        Known.TryGetValue(code, out var known) ? known.Deadline : TimeSpan.FromHours(24);
}
