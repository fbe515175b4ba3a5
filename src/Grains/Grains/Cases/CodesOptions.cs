using CityOps.Grains.Configuration;

namespace CityOps.Grains.Cases;

/// <summary>
/// <c>CityOps:Codes</c>: the city's 部件 (<c>Components</c>) and 事件 (<c>Events</c>) code tables, laid over the standard
/// defaults: <c>CityOps:Codes:Events:0408:Name=桥梁损坏</c>, <c>…:Deadline=2:00:00</c>.
/// </summary>
public sealed class CodesOptions
{
    public const string Section = "CityOps:Codes";

    public Dictionary<string, CodeEntry> Components { get; set; } = [];

    public Dictionary<string, CodeEntry> Events { get; set; } = [];

    public static void Check(CodesOptions o, OptionsProblems problems)
    {
        foreach (var (table, entries) in new[] { (nameof(Components), o.Components), (nameof(Events), o.Events) })
        {
            foreach (var (code, entry) in entries)
            {
                problems.Require(code.Length == 4 && code.All(char.IsAsciiDigit), $"{table}:{code}", code, "a code is 4 digits (2 major + 2 minor)");
                problems.Require(entry.Deadline is null || entry.Deadline > TimeSpan.Zero, $"{table}:{code}:Deadline", entry.Deadline, "must be positive");
                problems.Require(entry.Name is null || entry.Name.Trim().Length is > 0 and <= 50, $"{table}:{code}:Name", entry.Name, "is 1 to 50 characters");
            }
        }
    }
}
