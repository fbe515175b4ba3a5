namespace CityOps.Ingest.Parsing;

/// <summary>
/// Quotes untrusted text for error messages: those end up in logs and on the dead-letter topic,
/// so a 10 KB device id or control characters must not be echoed verbatim.
/// </summary>
internal static class DiagnosticText
{
    private const int MaxQuotedLength = 64;

    public static string Quote(ReadOnlySpan<char> text)
    {
        var truncated = text.Length > MaxQuotedLength;
        var cut = MaxQuotedLength;
        if (truncated && char.IsHighSurrogate(text[cut - 1]))
        {
            // Never split a surrogate pair: a lone surrogate cannot be encoded in the dead-letter JSON.
            cut--;
        }

        var shown = truncated ? text[..cut] : text;
        var chars = new char[shown.Length];
        for (var i = 0; i < shown.Length; i++)
        {
            chars[i] = char.IsControl(shown[i]) ? '?' : shown[i];
        }

        return truncated
            ? $"\"{new string(chars)}…\" ({text.Length} characters)"
            : $"\"{new string(chars)}\"";
    }
}
