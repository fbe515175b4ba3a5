using System.Text;
using CityOps.Api.Reports;
using CityOps.Grains;
using CityOps.Grains.Configuration;
using CityOps.Grains.Kpis;
using Microsoft.Extensions.Configuration;
using static CityOps.Tests.Kpis.NovemberCity;

namespace CityOps.Tests.Kpis;

/// <summary>Report periods, the CSV and HTML forms of the November report, and the options a city sets.</summary>
public sealed class KpiReportTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Theory]
    [InlineData("weekly", "2026-W47", "2026-11-15T16:00:00+00:00", "2026-11-22T16:00:00+00:00")]
    [InlineData("weekly", "2027-W01", "2027-01-03T16:00:00+00:00", "2027-01-10T16:00:00+00:00")]
    [InlineData("monthly", "2026-11", "2026-10-31T16:00:00+00:00", "2026-11-30T16:00:00+00:00")]
    [InlineData("monthly", "2026-12", "2026-11-30T16:00:00+00:00", "2026-12-31T16:00:00+00:00")]
    public void Periods_run_from_midnight_to_midnight_in_the_citys_zone(string kind, string name, string from, string to)
    {
        var period = ReportPeriod.Parse(kind, name, Now, Shanghai)!;

        Assert.Equal((DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture)), (period.From, period.To));
        Assert.Equal(name, period.Name);
    }

    [Fact]
    public void Without_a_name_the_period_is_the_one_running_in_the_citys_zone()
    {
        // 2026-11-30 17:00 UTC is December 1st 01:00 in Shanghai.
        var at = new DateTimeOffset(2026, 11, 30, 17, 0, 0, TimeSpan.Zero);

        Assert.Equal("2026-12", ReportPeriod.Parse("monthly", null, at, Shanghai)!.Name);
        Assert.Equal("2026-W49", ReportPeriod.Parse("weekly", "", at, Shanghai)!.Name);
    }

    [Theory]
    [InlineData("monthly", "2026-13")]
    [InlineData("monthly", "2026-W47")]
    [InlineData("monthly", "11/2026")]
    [InlineData("weekly", "2026-W54")]
    [InlineData("weekly", "2026-W00")]
    [InlineData("weekly", "2026-11")]
    [InlineData("yearly", "2026")]
    public void Names_that_are_not_periods_are_refused(string kind, string name) =>
        Assert.Null(ReportPeriod.Parse(kind, name, Now, Shanghai));

    private static KpiPeriodReport Report(IReadOnlyCollection<CaseSnapshot>? cases = null) =>
        KpiPeriodReport.Build(cases ?? Month(), ReportPeriod.Parse("monthly", "2026-11", Now, TimeZoneInfo.Utc)!, Now, new KpiOptions { TimeZone = "UTC" });

    [Fact]
    public void Monthly_report_ranks_the_units_and_lists_every_area()
    {
        var report = Report();

        Assert.Equal([Roads, Lights, NovemberCity.Water], report.Ranking.Select(r => r.Name));
        Assert.Equal(15, report.Overall.ToHandle);
        Assert.Equal(["320582", "320583"], report.Districts.Select(d => d.Area));
        Assert.Equal(["320582110", "320582111", "320583101"], report.Streets.Select(d => d.Area));
        Assert.Equal(["320582110152", "320582111001", "320583101001"], report.Communities.Select(d => d.Area));
    }

    [Fact]
    public void Csv_has_one_line_per_row_with_the_figures_of_the_json()
    {
        var lines = Encoding.UTF8.GetString(ReportCsv.Write(Report())).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("period,scope,name,rank,score,dispatched,toHandle,carriedOver,handled,", lines[0], StringComparison.Ordinal);
        Assert.Equal(1 + 1 + 3 + 2 + 3 + 3, lines.Length);
        Assert.StartsWith("2026-11,overall,,,,17,15,2,11,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("2026-11,unit,roads,1,100,3,2,0,2,", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("2026-11,unit,water,3,54.13,9,9,2,7,", lines[4], StringComparison.Ordinal);
        Assert.EndsWith(",0.7778,0.3333,0.6667,0.3333,0.1429,0.2222,0.7778,0.75,0.4444", lines[4], StringComparison.Ordinal);
        Assert.StartsWith("2026-11,district,320583,", lines[6], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("east, north", "\"east, north\"")]
    [InlineData("排水公司", "排水公司")]
    [InlineData("a-b", "a-b")]
    public void Csv_cells_that_could_start_a_formula_are_defused(string text, string cell) =>
        Assert.Equal(cell, ReportCsv.Cell(text));

    [Fact]
    public void A_unit_named_like_a_formula_is_defused_in_the_csv()
    {
        var evil = new CaseScript("x1", GridB).Dispatch(N(2, 8), "=cmd|'/C calc'!A0", N(2, 12)).Handle(N(2, 9)).Build();

        var csv = Encoding.UTF8.GetString(ReportCsv.Write(Report([evil])));

        Assert.Contains(",unit,'=cmd|'/C calc'!A0,1,", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",=cmd", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_page_encodes_names_and_carries_no_script()
    {
        var evil = new CaseScript("x1", GridB).Dispatch(N(2, 8), "<script>alert(1)</script>", N(2, 12)).Handle(N(2, 9)).Build();

        var html = ReportHtml.Write(Report([.. Month(), evil]), TimeZoneInfo.Utc);

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<title>CityOps 月报 2026-11</title>", html, StringComparison.Ordinal);
        Assert.Contains("<th>按期结案率</th>", html, StringComparison.Ordinal);
        Assert.Contains("54.13", html, StringComparison.Ordinal);
        Assert.Contains("2026-11-01 00:00 – 2026-12-01 00:00 (UTC)", html, StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none'; style-src 'sha256-", ReportHtml.Policy, StringComparison.Ordinal);
    }

    [Fact]
    public void A_city_sets_its_weights_in_configuration_beside_the_defaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CityOps:Kpis:Weights:dispatchAccuracy"] = "0.5",
            ["CityOps:Kpis:Weights:handleRate"] = "0",
            ["CityOps:Kpis:TimeZone"] = "Asia/Shanghai",
        }).Build();

        var options = configuration.GetSection(KpiOptions.Section).Get<KpiOptions>()!;

        Assert.Equal((0.5, 0.0, 0.3), (options.Weights[KpiRates.DispatchAccuracy], options.Weights[KpiRates.HandleRate], options.Weights[KpiRates.OnTimeCloseRate]));
        Assert.Equal(Shanghai, options.Zone());
    }

    [Fact]
    public void Bad_kpi_options_are_named_with_their_key()
    {
        var options = new KpiOptions
        {
            TimeZone = "Mars/Olympus",
            ReworkBase = "cases",
            StreetDigits = 4,
            Weights = new() { ["speed"] = 1, [KpiRates.CloseRate] = -1 },
        };
        var problems = new OptionsProblems(KpiOptions.Section);

        KpiOptions.Check(options, problems);

        Assert.Equal(
        [
            "CityOps:Kpis:TimeZone = Mars/Olympus: must be an IANA time zone id such as Asia/Shanghai",
            "CityOps:Kpis:ReworkBase = cases: must be handled or toClose",
            "CityOps:Kpis:StreetDigits = 4: must be more than DistrictDigits, at most 15",
            $"CityOps:Kpis:Weights:speed = 1: is not a rate; rates are {string.Join(", ", KpiRates.All)}",
            "CityOps:Kpis:Weights:closeRate = -1: must be a number, 0 or more",
            "CityOps:Kpis:Weights = 2: at least one rate must weigh more than 0",
        ], problems.Lines);

        var good = new OptionsProblems(KpiOptions.Section);
        KpiOptions.Check(new KpiOptions(), good);
        Assert.Empty(good.Lines);
    }
}
