namespace CityOps.Tests.Infrastructure;

/// <summary>One request as <see cref="InfluxV2Recorder"/> received it, and the status it answered.</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    string? Authorization,
    string? ContentEncoding,
    string? UserAgent,
    string Body,
    int Status)
{
    public string[] Lines => Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
