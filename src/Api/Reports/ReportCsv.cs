using System.Globalization;
using System.Text;
using CityOps.Grains.Kpis;

namespace CityOps.Api.Reports;

/// <summary>
/// A report as one CSV table (RFC 4180, UTF-8 with a byte-order mark so spreadsheets read the Chinese): one line per
/// row, overall first, then the units in rank order and the 区/街道/社区. A text cell that a spreadsheet would take for
/// a formula (<c>= + - @</c>, tab, carriage return first) gets a leading <c>'</c> (CSV injection).
/// </summary>
public static class ReportCsv
{
    public static byte[] Write(KpiPeriodReport report)
    {
        var csv = new StringBuilder();
        Line(csv, ["period", "scope", "name", "rank", "score", .. ReportColumns.All.Select(c => c.Name)]);
        foreach (var (scope, name, rank, score, row) in ReportColumns.Rows(report))
        {
            Line(csv, [Cell(report.Period), scope, Cell(name), Number(rank), Number(score), .. ReportColumns.All.Select(c => Number(c.Value(row)))]);
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    /// <summary>Text as a CSV cell: defused when it could start a formula, quoted when it holds a comma, quote or line break.</summary>
    public static string Cell(string text)
    {
        var safe = text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
        return safe.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }

    private static string Number(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static void Line(StringBuilder csv, IEnumerable<string> cells) => csv.Append(string.Join(',', cells)).Append("\r\n");
}
