namespace CityOps.Api.OperatorConsole;

/// <summary>What the console page reads at start from <c>/console/settings.json</c>: only display settings, no data.</summary>
public sealed record ConsoleSettings(string? TileUrl, string? TileAttribution);
