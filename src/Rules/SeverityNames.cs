using CityOps.Grains;

namespace CityOps.Rules;

/// <summary>The lower-case names of <see cref="Severity"/> (its <see cref="WireNames"/>), read leniently from rule files.</summary>
public static class SeverityNames
{
    public static string ToName(Severity severity) => WireNames.Of(severity);

    /// <summary>Accepts <c>none</c>, <c>blue</c>, <c>yellow</c>, <c>orange</c>, <c>red</c>, ignoring case and surrounding blanks.</summary>
    public static bool TryParse(string? name, out Severity severity) => WireNames.TryParse(name?.Trim().ToLowerInvariant(), out severity);
}
