using CityOps.Grains.RuleSets;
using CityOps.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CityOps.Api.Endpoints;

/// <summary><c>/api/v1/rules</c>: the rule set in force, its versions, and replacing or validating it.</summary>
public static class RuleEndpoints
{
    public static IEndpointRouteBuilder MapRuleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/rules").WithTags("Rules");

        group.MapGet("/", (RuleCatalog catalog) =>
        {
            var set = catalog.Current;
            return TypedResults.Ok(new RuleSetView(set.Version, set.CreatedAt, set.Author, [.. set.Rules.Select(View)]));
        });

        group.MapGet("/versions", (RuleCatalog catalog) =>
            TypedResults.Ok(catalog.Versions().Select(v => new RuleVersionView(v.Version, v.CreatedAt, v.Author, [.. v.Sources.Keys])).Reverse().ToList()));

        group.MapPut("/", async Task<Results<Ok<RuleSetView>, ValidationProblem>> (HttpRequest http, RuleCatalog catalog) =>
        {
            var files = new Dictionary<string, string> { ["api.yaml"] = await ReadBody(http) };
            var errors = catalog.Apply(files, http.HttpContext.User.Identity?.Name ?? "api");
            if (errors.Count > 0)
            {
                return Invalid(errors, "Nothing changed: the rule set in force stays.");
            }

            var set = catalog.Current;
            return TypedResults.Ok(new RuleSetView(set.Version, set.CreatedAt, set.Author, [.. set.Rules.Select(View)]));
        }).Accepts<string>("application/yaml", "text/yaml", "text/plain");

        group.MapPost("/validate", async Task<Results<Ok<ValidationView>, ValidationProblem>> (HttpRequest http) =>
        {
            var parsed = RuleParser.Parse(new Dictionary<string, string> { ["api.yaml"] = await ReadBody(http) });
            return parsed.Success
                ? TypedResults.Ok(new ValidationView(true, parsed.RuleSet!.Rules.Length))
                : Invalid(parsed.Errors, "The rules have errors.");
        }).Accepts<string>("application/yaml", "text/yaml", "text/plain");

        return app;
    }

    private static async Task<string> ReadBody(HttpRequest http)
    {
        using var reader = new StreamReader(http.Body);
        return await reader.ReadToEndAsync(http.HttpContext.RequestAborted);
    }

    private static ValidationProblem Invalid(IEnumerable<RuleError> errors, string detail) =>
        Problems.Invalid(
            errors.GroupBy(e => $"{e.File}:{e.Line}:{e.Column} {e.Field}").ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            detail);

    private static RuleView View(Rule rule) => new(
        rule.Id, rule.Kind, rule.Metric,
        rule.Levels.IsDefaultOrEmpty ? null : rule.Direction == ThresholdDirection.Above ? "above" : "below",
        [.. rule.Levels.Select(l => new LevelView(SeverityNames.ToName(l.Severity), l.HasThreshold ? l.Threshold : null))],
        rule.For, rule.Clear.Hysteresis, rule.Clear.For, rule.Offline, rule.Case.Code, rule.Case.Title, rule.SourceFile, rule.SourceLine);

    public sealed record RuleSetView(int Version, DateTimeOffset CreatedAt, string Author, IReadOnlyList<RuleView> Rules);

    public sealed record RuleView(
        string Id, string Kind, string? Metric, string? Direction, IReadOnlyList<LevelView> Levels, TimeSpan For,
        double ClearHysteresis, TimeSpan ClearFor, TimeSpan? Offline, string CaseCode, string CaseTitle, string File, int Line);

    public sealed record LevelView(string Severity, double? Threshold);

    public sealed record RuleVersionView(int Version, DateTimeOffset CreatedAt, string Author, IReadOnlyList<string> Files);

    public sealed record ValidationView(bool Valid, int Rules);
}
