using CityOps.Rules;

namespace CityOps.Api.Endpoints;

/// <summary>
/// Rule errors as a validation problem: the usual map ("file:line:column field" → messages) and <c>problems</c>, one
/// object each, capped at <see cref="MaxListed"/> with <c>errorCount</c> saying how many there were (a small file of
/// YAML aliases can otherwise expand into tens of megabytes of errors).
/// </summary>
public static class RuleProblems
{
    public const int MaxListed = 100;

    public static ValidationProblem Invalid(IReadOnlyList<RuleError> errors, string detail)
    {
        var listed = errors.Take(MaxListed).ToList();
        var map = new Dictionary<string, string[]>();
        AddTo(map, errors);
        return TypedResults.ValidationProblem(
            map,
            detail: errors.Count > MaxListed ? $"{detail} The first {MaxListed} of {errors.Count} errors are listed." : detail,
            title: "The request is invalid",
            extensions: new Dictionary<string, object?>
            {
                ["problems"] = listed.Select(e => new RuleProblemView(e.File, e.Line, e.Column, e.Field, e.Message)).ToList(),
                ["errorCount"] = errors.Count,
            });
    }

    /// <summary>Adds the first <see cref="MaxListed"/> errors to <paramref name="map"/>, and a line counting the rest.</summary>
    public static void AddTo(Dictionary<string, string[]> map, IReadOnlyList<RuleError> errors)
    {
        foreach (var group in errors.Take(MaxListed).GroupBy(e => $"{e.File}:{e.Line}:{e.Column} {e.Field}"))
        {
            map[group.Key] = [.. group.Select(e => e.Message)];
        }

        if (errors.Count > MaxListed)
        {
            map["rules"] = [$"{errors.Count - MaxListed} more errors not listed ({errors.Count} in all); fix the first ones and check again"];
        }
    }

    public sealed record RuleProblemView(string File, int Line, int Column, string Field, string Message);
}
