namespace CityOps.Grains.Storage;

/// <summary>One page of a list, with the total so clients can page through it.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize);
