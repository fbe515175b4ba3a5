using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CityOps.Grains.Kpis;
using static System.Net.WebUtility;

namespace CityOps.Api.Reports;

/// <summary>
/// A report as one printable HTML page (no script, its one style block allowed by hash in its own content security
/// policy); every name from the data is HTML-encoded.
/// </summary>
public static class ReportHtml
{
    private const string Style =
        "body{font:13px/1.4 system-ui,'Noto Sans CJK SC',sans-serif;margin:2em}h1{font-size:20px}h2{font-size:16px;margin-top:1.5em}" +
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:2px 4px}td.n{text-align:right}" +
        "thead th{background:#eee}@media print{body{margin:0}h2{break-before:auto}tr{break-inside:avoid}}";

    /// <summary>The page's own policy: nothing but its style block.</summary>
    public static readonly string Policy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static string Write(KpiPeriodReport report, TimeZoneInfo zone)
    {
        var title = $"CityOps {(report.Kind == ReportPeriod.Weekly ? "周报" : "月报")} {report.Period}";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>").Append(HtmlEncode(title))
            .Append("</title><style>").Append(Style).Append("</style></head><body><h1>").Append(HtmlEncode(title)).Append("</h1><p>")
            .Append(HtmlEncode($"{Local(report.From, zone)} – {Local(report.To, zone)} ({zone.Id}); as of {Local(report.AsOf, zone)}"))
            .Append("</p>");
        var rows = ReportColumns.Rows(report).ToList();
        Table(html, "综合评价 / ranking", rows.Where(r => r.Scope is "overall" or "unit"), ranked: true);
        Table(html, "区 / districts", rows.Where(r => r.Scope == "district"), ranked: false);
        Table(html, "街道 / streets", rows.Where(r => r.Scope == "street"), ranked: false);
        Table(html, "社区 / communities", rows.Where(r => r.Scope == "community"), ranked: false);
        html.Append("<p>").Append(HtmlEncode("Weights: " + string.Join(", ", report.Weights.Select(w => $"{w.Key} {w.Value.ToString(CultureInfo.InvariantCulture)}"))))
            .Append("</p></body></html>");
        return html.ToString();
    }

    private static void Table(StringBuilder html, string heading, IEnumerable<(string Scope, string Name, int? Rank, double? Score, KpiRow Row)> rows, bool ranked)
    {
        html.Append("<h2>").Append(HtmlEncode(heading)).Append("</h2><table><thead><tr>");
        if (ranked)
        {
            html.Append("<th>名次</th><th>得分</th>");
        }

        html.Append("<th>").Append(ranked ? "单位" : "网格").Append("</th>");
        foreach (var column in ReportColumns.All)
        {
            html.Append("<th>").Append(HtmlEncode(column.Chinese)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var (scope, name, rank, score, row) in rows)
        {
            html.Append("<tr>");
            if (ranked)
            {
                html.Append("<td class=\"n\">").Append(rank?.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"n\">")
                    .Append(score?.ToString("0.00", CultureInfo.InvariantCulture)).Append("</td>");
            }

            html.Append("<th>").Append(HtmlEncode(scope == "overall" ? "合计" : name)).Append("</th>");
            foreach (var column in ReportColumns.All)
            {
                var value = column.Value(row);
                html.Append("<td class=\"n\">").Append(value is not { } v ? "—"
                    : column.Rate ? (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%"
                    : v.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
    }

    private static string Local(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
