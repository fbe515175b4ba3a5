using System.Text;

namespace CityOps.Rules.Backtesting;

/// <summary>
/// Reads uploaded telemetry for a backtest.
/// <list type="bullet">
/// <item>CSV: a header row naming <c>time</c> (RFC 3339, or epoch milliseconds), <c>device</c>, <c>kind</c>, optionally
/// <c>lat</c>, <c>lon</c>, and metric columns (<c>depth_cm</c>, …); an empty cell is a metric the reading lacks.</item>
/// <item>Line protocol as CityOps writes it to InfluxDB: measurement = kind, tag <c>device</c>, metric fields (and
/// <c>lat</c>/<c>lon</c>), timestamp in ms; other measurements (<c>cases</c>, …) are skipped. The timestamp precision is
/// recognised from its size (s, ms, µs or ns).</item>
/// </list>
/// Every bad line is reported (up to a limit) and skipped; the rest is replayed.
/// </summary>
public static class TelemetryFile
{
    private const int MaxProblems = 100;

    public static TelemetryFormat Detect(string text, string? fileName)
    {
        if (fileName is not null)
        {
            if (fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                return TelemetryFormat.Csv;
            }

            if (fileName.EndsWith(".lp", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".line", StringComparison.OrdinalIgnoreCase))
            {
                return TelemetryFormat.LineProtocol;
            }
        }

        var first = text.AsSpan().TrimStart().ToString().Split('\n', 2)[0];
        return first.Contains(',', StringComparison.Ordinal) && first.Contains("time", StringComparison.OrdinalIgnoreCase) && !first.Contains(' ', StringComparison.Ordinal)
            ? TelemetryFormat.Csv
            : TelemetryFormat.LineProtocol;
    }

    /// <param name="kinds">The kinds known: line-protocol measurements of other names (e.g. <c>cases</c>) are skipped; built-in kinds when null.</param>
    public static List<BacktestReading> Parse(string text, TelemetryFormat format, List<string> problems, KindCatalog? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(problems);
        return format == TelemetryFormat.Csv ? ParseCsv(text, problems) : ParseLineProtocol(text, problems, kinds ?? KindCatalog.Default);
    }

    private static List<BacktestReading> ParseCsv(string text, List<string> problems)
    {
        var readings = new List<BacktestReading>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var header = lines.Length > 0 ? SplitCsv(lines[0]).Select(h => h.Trim()).ToArray() : [];
        int Column(params string[] names) => Array.FindIndex(header, h => names.Contains(h, StringComparer.OrdinalIgnoreCase));
        var time = Column("time", "ts", "timestamp");
        var device = Column("device", "id", "deviceId");
        var kind = Column("kind");
        var lat = Column("lat");
        var lon = Column("lon");
        if (time < 0 || device < 0 || kind < 0)
        {
            problems.Add("line 1: the CSV header must name the columns time, device and kind, then the metrics (e.g. time,device,kind,depth_cm)");
            return readings;
        }

        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var cells = SplitCsv(lines[i]);
            string Cell(int index) => index >= 0 && index < cells.Count ? cells[index].Trim() : "";
            if (!TryTime(Cell(time), out var at))
            {
                Problem(problems, $"line {i + 1}: '{Cell(time)}' is not a time (RFC 3339 or epoch milliseconds)");
                continue;
            }

            var metrics = new List<(string, double)>();
            var bad = false;
            for (var c = 0; c < header.Length; c++)
            {
                if (c == time || c == device || c == kind || c == lat || c == lon || Cell(c).Length == 0)
                {
                    continue;
                }

                if (!double.TryParse(Cell(c), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                {
                    Problem(problems, $"line {i + 1}: {header[c]} '{Cell(c)}' is not a number");
                    bad = true;
                    continue;
                }

                metrics.Add((header[c], value));
            }

            if (!bad && Cell(device).Length > 0 && Cell(kind).Length > 0)
            {
                readings.Add(new BacktestReading(Cell(device), Cell(kind), at, metrics, Number(Cell(lat)), Number(Cell(lon))));
            }
        }

        return readings;
    }

    private static List<BacktestReading> ParseLineProtocol(string text, List<string> problems, KindCatalog kinds)
    {
        var readings = new List<BacktestReading>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = SplitUnescaped(line, ' ');
            if (parts.Count < 2)
            {
                Problem(problems, $"line {i + 1}: not line protocol (measurement,tags fields timestamp)");
                continue;
            }

            var key = SplitUnescaped(parts[0], ',');
            var kind = Unescape(key[0]);
            if (!kinds.IsKnownKind(kind))
            {
                continue;
            }

            string? device = null;
            foreach (var tag in key.Skip(1))
            {
                var eq = IndexOfUnescaped(tag, '=');
                if (eq > 0 && Unescape(tag[..eq]) == "device")
                {
                    device = Unescape(tag[(eq + 1)..]);
                }
            }

            if (device is null)
            {
                Problem(problems, $"line {i + 1}: the point has no device tag");
                continue;
            }

            if (parts.Count < 3 || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var stamp))
            {
                Problem(problems, $"line {i + 1}: a timestamp is required (milliseconds, as CityOps writes them)");
                continue;
            }

            var metrics = new List<(string, double)>();
            double? lat = null, lon = null;
            foreach (var field in SplitUnescaped(parts[1], ','))
            {
                var eq = IndexOfUnescaped(field, '=');
                if (eq <= 0)
                {
                    continue;
                }

                var name = Unescape(field[..eq]);
                var raw = field[(eq + 1)..];
                double? value = raw switch
                {
                    "t" or "T" or "true" or "True" or "TRUE" => 1,
                    "f" or "F" or "false" or "False" or "FALSE" => 0,
                    _ when raw.StartsWith('"') => null,
                    _ => double.TryParse(raw.TrimEnd('i', 'u'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null,
                };
                if (value is not { } number)
                {
                    continue;
                }

                switch (name)
                {
                    case "lat":
                        lat = number;
                        break;
                    case "lon":
                        lon = number;
                        break;
                    default:
                        metrics.Add((name, number));
                        break;
                }
            }

            readings.Add(new BacktestReading(device, kind, FromStamp(stamp), metrics, lat, lon));
        }

        return readings;
    }

    // s, ms, µs or ns by magnitude: 2001–2286 in seconds is below 1e10, in ms below 1e13, in µs below 1e16.
    private static DateTimeOffset FromStamp(long stamp) => Math.Abs(stamp) switch
    {
        < 10_000_000_000L => DateTimeOffset.FromUnixTimeSeconds(stamp),
        < 10_000_000_000_000L => DateTimeOffset.FromUnixTimeMilliseconds(stamp),
        < 10_000_000_000_000_000L => DateTimeOffset.FromUnixTimeMilliseconds(stamp / 1000),
        _ => DateTimeOffset.FromUnixTimeMilliseconds(stamp / 1_000_000),
    };

    private static bool TryTime(string text, out DateTimeOffset at)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
    }

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;

    private static void Problem(List<string> problems, string message)
    {
        if (problems.Count < MaxProblems)
        {
            problems.Add(message);
        }
    }

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }

    // Line protocol escapes separators with a backslash; string field values are quoted.
    private static List<string> SplitUnescaped(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == separator && !quoted)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static int IndexOfUnescaped(string text, char c)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == c)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Unescape(string text) => text.Contains('\\', StringComparison.Ordinal)
        ? text.Replace("\\ ", " ", StringComparison.Ordinal).Replace("\\,", ",", StringComparison.Ordinal).Replace("\\=", "=", StringComparison.Ordinal)
        : text;
}
