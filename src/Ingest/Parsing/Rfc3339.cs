namespace CityOps.Ingest.Parsing;

/// <summary>
/// Allocation-free RFC 3339 date-time parser over UTF-8 bytes. The BCL parsers either need a
/// char string or a fixed fraction length (Utf8Parser 'O' wants exactly 7 digits), and devices
/// send anything from 0 to 9 fraction digits.
/// </summary>
internal static class Rfc3339
{
    public const int MaxLength = 40;

    /// <summary>Parses <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)</c>; fraction is truncated to milliseconds.</summary>
    /// <param name="missingOffset">True when the text is a valid local date-time but has no offset, for a better error message.</param>
    public static bool TryParseUnixMilliseconds(ReadOnlySpan<byte> text, out long unixMs, out bool missingOffset)
    {
        unixMs = 0;
        missingOffset = false;

        // Fixed part: yyyy-MM-ddTHH:mm:ss (19 bytes).
        if (text.Length < 19 || text.Length > MaxLength
            || text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':'
            || (text[10] != 'T' && text[10] != 't' && text[10] != ' '))
        {
            return false;
        }

        if (!TryDigits(text.Slice(0, 4), out var year)
            || !TryDigits(text.Slice(5, 2), out var month)
            || !TryDigits(text.Slice(8, 2), out var day)
            || !TryDigits(text.Slice(11, 2), out var hour)
            || !TryDigits(text.Slice(14, 2), out var minute)
            || !TryDigits(text.Slice(17, 2), out var second))
        {
            return false;
        }

        if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var pos = 19;
        var millis = 0;
        if (pos < text.Length && text[pos] == '.')
        {
            pos++;
            var start = pos;
            while (pos < text.Length && IsDigit(text[pos]))
            {
                if (pos - start < 3)
                {
                    millis = (millis * 10) + (text[pos] - '0');
                }

                pos++;
            }

            var digits = pos - start;
            if (digits == 0 || digits > 9)
            {
                return false;
            }

            for (var i = digits; i < 3; i++)
            {
                millis *= 10;
            }
        }

        // RFC 3339 allows a leap second; DateTime does not, so pin it to the last millisecond of the minute.
        if (second == 60)
        {
            second = 59;
            millis = 999;
        }

        if (pos == text.Length)
        {
            missingOffset = true;
            return false;
        }

        int offsetMinutes;
        var designator = text[pos];
        if (designator is (byte)'Z' or (byte)'z')
        {
            offsetMinutes = 0;
            pos++;
        }
        else if (designator is (byte)'+' or (byte)'-')
        {
            if (text.Length - pos != 6 || text[pos + 3] != ':'
                || !TryDigits(text.Slice(pos + 1, 2), out var offsetHours)
                || !TryDigits(text.Slice(pos + 4, 2), out var offsetMins)
                || offsetHours > 23 || offsetMins > 59)
            {
                return false;
            }

            offsetMinutes = (offsetHours * 60) + offsetMins;
            if (designator == '-')
            {
                offsetMinutes = -offsetMinutes;
            }

            pos += 6;
        }
        else
        {
            return false;
        }

        if (pos != text.Length)
        {
            return false;
        }

        // All parts are validated above, so this constructor cannot throw.
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        unixMs = ((local.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond)
            + millis
            - (offsetMinutes * 60_000L);
        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var b in digits)
        {
            if (!IsDigit(b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }
}
