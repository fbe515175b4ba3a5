using CityOps.Grains.RuleSets;
using CityOps.Grains.Zones;
using Microsoft.AspNetCore.Mvc;
using CityOps.Rules;

namespace CityOps.Api.Endpoints;

/// <summary><c>/api/v1/rules</c>: the rule set in force, its versions (with what changed, and restoring one), and replacing or validating it.</summary>
public static class RuleEndpoints
{
    public static IEndpointRouteBuilder MapRuleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/rules").WithTags("Rules");
        group.MapRuleBacktest();

        group.MapGet("/", (RuleCatalog catalog) =>
        {
            var set = catalog.Current;
            return TypedResults.Ok(new RuleSetView(set.Version, set.CreatedAt, set.Author, [.. set.Rules.Select(View)]));
        });

        group.MapGet("/versions", async (RuleCatalog catalog) =>
        {
            var versions = await catalog.VersionsAsync();
            var current = catalog.Current.Version;
            var views = new List<RuleVersionView>(versions.Count);
            for (var i = versions.Count - 1; i >= 0; i--)
            {
                var v = versions[i];
                var diff = catalog.DiffOf(v, i > 0 ? versions[i - 1] : null);
                views.Add(new RuleVersionView(v.Version, v.CreatedAt, v.Author, [.. v.Sources.Keys], v.Version == current, v.Note,
                    new RuleDiffView(diff.Added, diff.Removed, diff.Changed), diff.ToString()));
            }

            return TypedResults.Ok(views);
        });

        group.MapPost("/versions/{version:int}/restore", async Task<Results<Ok<RuleSetView>, NotFound<ProblemDetails>, ValidationProblem>> (int version, HttpContext http, RuleCatalog catalog) =>
        {
            var errors = await catalog.RestoreAsync(version, Author(http));
            if (errors is null)
            {
                return TypedResults.NotFound(new ProblemDetails { Title = "Not found", Detail = $"There is no rule set version {version}.", Status = StatusCodes.Status404NotFound });
            }

            if (errors.Count > 0)
            {
                return RuleProblems.Invalid(errors, $"Version {version} no longer passes validation; nothing changed.");
            }

            var set = catalog.Current;
            return TypedResults.Ok(new RuleSetView(set.Version, set.CreatedAt, set.Author, [.. set.Rules.Select(View)]));
        });

        group.MapPut("/", async Task<Results<Ok<RuleSetView>, ValidationProblem>> (HttpRequest http, RuleCatalog catalog, ZoneMap zones, CaseCodeBook codes) =>
        {
            var files = await ReadFiles(http);
            var errors = await catalog.ApplyAsync(files, Author(http.HttpContext), new RuleParseOptions { Zones = zones, CaseCodes = codes });
            if (errors.Count > 0)
            {
                return RuleProblems.Invalid(errors, "Nothing changed: the rule set in force stays.");
            }

            var set = catalog.Current;
            return TypedResults.Ok(new RuleSetView(set.Version, set.CreatedAt, set.Author, [.. set.Rules.Select(View)]));
        }).Accepts<string>("application/yaml", "text/yaml", "text/plain", "multipart/form-data").DisableAntiforgery();

        group.MapPost("/validate", async Task<Results<Ok<ValidationView>, ValidationProblem>> (HttpRequest http, ZoneMap zones, CaseCodeBook codes, KindCatalog kinds) =>
        {
            var parsed = RuleParser.Parse(
                await ReadFiles(http),
                new RuleParseOptions { Zones = zones, CaseCodes = codes, Kinds = kinds });
            return parsed.Success
                ? TypedResults.Ok(new ValidationView(true, parsed.RuleSet!.Rules.Length))
                : RuleProblems.Invalid(parsed.Errors, "The rules have errors.");
        }).Accepts<string>("application/yaml", "text/yaml", "text/plain", "multipart/form-data").DisableAntiforgery();

        return app;
    }

    // The API has no user store of its own: an authenticated API key's name when there is one, else "api".
    private static string Author(HttpContext http) => http.User.Identity?.Name is { Length: > 0 } name ? name : "api";

    // ?file=name.yaml names the rules in error messages and in the stored version; default api.yaml.
    private static string FileName(HttpRequest http) =>
        http.Query["file"].ToString() is { Length: > 0 and <= 100 } name && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? name : "api.yaml";

    // One YAML body (named by ?file=), or several rule files as multipart/form-data, checked together as one rule set.
    private static async Task<Dictionary<string, string>> ReadFiles(HttpRequest http)
    {
        if (!http.HasFormContentType)
        {
            return new Dictionary<string, string> { [FileName(http)] = await ReadBody(http) };
        }

        var form = await http.ReadFormAsync(http.HttpContext.RequestAborted);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in form.Files)
        {
            using var reader = new StreamReader(file.OpenReadStream());
            files[Path.GetFileName(file.FileName) is { Length: > 0 } name ? name : file.Name + ".yaml"] = await reader.ReadToEndAsync(http.HttpContext.RequestAborted);
        }

        return files;
    }

    private static async Task<string> ReadBody(HttpRequest http)
    {
        using var reader = new StreamReader(http.Body);
        return await reader.ReadToEndAsync(http.HttpContext.RequestAborted);
    }

    private static RuleView View(Rule rule) => new(
        rule.Id, rule.Kind, rule.Metric,
        rule.Levels.IsDefaultOrEmpty ? null : rule.Direction == ThresholdDirection.Above ? "above" : "below",
        [.. rule.Levels.Select(l => new LevelView(l.Severity, l.HasThreshold ? l.Threshold : null))],
        rule.For, rule.Clear.Hysteresis, rule.Clear.For, rule.Offline, rule.Case.Code, rule.Case.Title, rule.SourceFile, rule.SourceLine,
        rule.Where, rule.When, rule.Inside, rule.Outside, rule.Count, rule.Inhibits.IsDefaultOrEmpty ? null : rule.Inhibits);

    public sealed record RuleSetView(int Version, DateTimeOffset CreatedAt, string Author, IReadOnlyList<RuleView> Rules);

    public sealed record RuleView(
        string Id, string Kind, string? Metric, string? Direction, IReadOnlyList<LevelView> Levels, TimeSpan For,
        double ClearHysteresis, TimeSpan ClearFor, TimeSpan? Offline, string CaseCode, string CaseTitle, string File, int Line,
        string? Where, string? When, string? Inside, string? Outside, int? Count, IReadOnlyList<string>? Inhibits = null);

    public sealed record LevelView(Severity Severity, double? Threshold);

    public sealed record RuleVersionView(
        int Version, DateTimeOffset CreatedAt, string Author, IReadOnlyList<string> Files, bool Current, string? Note, RuleDiffView Diff, string Summary);

    public sealed record RuleDiffView(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed);

    public sealed record ValidationView(bool Valid, int Rules);
}
