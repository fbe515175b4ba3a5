namespace CityOps.Api.Endpoints;

/// <summary>problem+json answers used across the endpoints.</summary>
internal static class Problems
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(title: "Not found", detail: what, statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Conflict(string why) =>
        TypedResults.Problem(title: "Invalid action", detail: why, statusCode: StatusCodes.Status409Conflict);

    public static ProblemHttpResult Forbidden(string why) =>
        TypedResults.Problem(title: "Forbidden", detail: why, statusCode: StatusCodes.Status403Forbidden);

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail: detail, title: "The request is invalid");

    public static ValidationProblem Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });
}
