namespace CityOps.Grains.Zones;

/// <summary>A unit grid (单元网格): its 15-digit code (14 for older CJ/T 213 grids) and the unit responsible for problems in it.</summary>
public sealed record GridCell(string Id, string Code, string? Name, string? Unit);
