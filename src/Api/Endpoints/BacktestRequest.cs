namespace CityOps.Api.Endpoints;

/// <summary>
/// What <c>POST /api/v1/rules/backtest</c> replays, as a JSON body or as form fields of the same names. Times are
/// RFC 3339 text; <see cref="Device"/> is ids, comma-separated; <see cref="Data"/> is CSV or line-protocol text.
/// </summary>
public sealed record BacktestRequest(
    string? Rules = null,
    string? From = null,
    string? To = null,
    string? Device = null,
    string? Kind = null,
    string? Data = null,
    string? Format = null)
{
    /// <summary>The uploaded rules' file name (forms), used in error messages.</summary>
    public string? RulesName { get; init; }

    /// <summary>The uploaded data's file name (forms), used to tell CSV from line protocol.</summary>
    public string? DataName { get; init; }
}
