namespace CityOps.Api.Endpoints;

/// <summary>A backtest range holds more stored readings than one request replays; the client narrows it.</summary>
public sealed class TooManyReadingsException(string message) : Exception(message);
