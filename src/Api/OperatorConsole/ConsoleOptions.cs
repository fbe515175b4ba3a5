namespace CityOps.Api.OperatorConsole;

/// <summary>
/// <c>CityOps:Console</c>: the operator console at <c>/</c>. Command halls are often offline, so the map has no
/// tiles unless a tile server (usually one inside the hall's own network) is named here.
/// </summary>
public sealed class ConsoleOptions
{
    /// <summary>Serve the console at all (<c>CityOps:Console:Enabled</c>); the API is unaffected.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A Leaflet tile URL template, e.g. <c>https://tiles.hall.local/{z}/{x}/{y}.png</c>; unset = zones only.</summary>
    public string? TileUrl { get; set; }

    /// <summary>The attribution the tile server's licence asks for.</summary>
    public string? TileAttribution { get; set; }
}
