namespace CityOps.Grains.Storage;

/// <summary>Open cases of one responsible unit and code, and how many of them are past their due time.</summary>
public sealed record OpenCaseCount(string? Unit, string Code, int Open, int Overdue);
