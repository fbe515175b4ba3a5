namespace CityOps.Api.OperatorConsole;

/// <summary>
/// The content security policy of the console page: same origin only, no inline script or style, no framing;
/// images may also come from the configured tile server. The page fetches the API (with the key in a header)
/// and nothing else, so a script injected through case data could not send it anywhere.
/// </summary>
public static class ConsolePolicy
{
    public const string SameOrigin =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static string For(string? tileUrl)
    {
        if (string.IsNullOrWhiteSpace(tileUrl)
            || !Uri.TryCreate(tileUrl.Replace("{s}", "a", StringComparison.Ordinal), UriKind.Absolute, out var tiles))
        {
            return SameOrigin;
        }

        // {s} subdomains: allow the parent domain's subdomains, as the template will pick among them.
        var host = tileUrl.Contains("{s}.", StringComparison.Ordinal) ? "*." + tiles.Host[(tiles.Host.IndexOf('.') + 1)..] : tiles.Host;
        var source = $"{tiles.Scheme}://{host}{(tiles.IsDefaultPort ? "" : ":" + tiles.Port)}";
        return SameOrigin.Replace("img-src 'self' data:", $"img-src 'self' data: {source}", StringComparison.Ordinal);
    }
}
