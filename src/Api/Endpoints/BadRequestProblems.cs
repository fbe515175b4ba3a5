using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace CityOps.Api.Endpoints;

/// <summary>
/// Turns what ASP.NET Core refuses before a handler runs (JSON that does not parse, a value of the wrong type, a query
/// value that does not bind, a body over its size limit) into a problem+json that names the field and the problem.
/// Without it the framework answers an empty 400 (or a 500 for a body too large) and the client cannot tell why.
/// </summary>
public sealed partial class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted)
        {
            return false;
        }

        var (field, message) = Explain(bad);
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The request body is too large",
                    StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
                    _ => "The request is invalid",
                },
                Detail = $"{field}: {message}",
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } },
            },
        });
    }

    /// <summary>The field a refusal is about, and what is wrong with it, in words a client can act on.</summary>
    public static (string Field, string Message) Explain(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ("body", $"larger than this endpoint accepts ({bad.Message.Split(". ").LastOrDefault()?.TrimEnd('.')})");
        }

        if (bad.InnerException is JsonException json)
        {
            return (Field(json.Path), Problem(json));
        }

        if (BindFailure().Match(bad.Message) is { Success: true } bind)
        {
            return (bind.Groups["name"].Value, $"'{bind.Groups["value"].Value}' is not {Expected(bind.Groups["type"].Value)}");
        }

        if (MissingBody().IsMatch(bad.Message))
        {
            return ("body", "a JSON object is required");
        }

        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return ("Content-Type", $"send application/json ({bad.Message})");
        }

        return ("request", bad.Message);
    }

    // "$.attributes.x" → "attributes.x"; the whole body when the error is at its root.
    private static string Field(string? path) => path is null or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string Problem(JsonException json)
    {
        var at = json.LineNumber is { } line ? $" (line {line + 1}, position {(json.BytePositionInLine ?? 0) + 1})" : "";
        if (ConversionFailure().Match(json.Message) is { Success: true } conversion)
        {
            return $"expected {Expected(conversion.Groups["type"].Value)}{at}";
        }

        // A syntax error: System.Text.Json's own sentence ("'h' is an invalid start of a value."), without its location tail.
        var sentence = json.Message.Split(" Path: ")[0].Split(" LineNumber: ")[0].TrimEnd(' ', '|');
        return $"not valid JSON: {sentence}{at}";
    }

    private static string Expected(string type)
    {
        var name = NullableOf().Match(type) is { Success: true } inner ? inner.Groups[1].Value : type;
        name = name[(name.LastIndexOf('.') + 1)..];
        return name switch
        {
            "Double" or "Single" or "Decimal" or "double" or "float" or "decimal" => "a number",
            "Int32" or "Int64" or "Int16" or "int" or "long" => "an integer",
            "Boolean" or "bool" => "true or false",
            "String" or "string" => "a string",
            "DateTimeOffset" or "DateTime" => "a time (RFC 3339, e.g. 2026-07-20T08:15:00+08:00)",
            "TimeSpan" => "a duration (hh:mm:ss)",
            "Guid" => "a GUID",
            _ when name.StartsWith("Dictionary", StringComparison.Ordinal) => "an object",
            _ when name.StartsWith("List", StringComparison.Ordinal) || name.EndsWith("[]", StringComparison.Ordinal) => "an array",
            _ => "an object",
        };
    }

    [GeneratedRegex(@"converted to (?<type>\S+?)\.(?: Path:|$)")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex(@"^Failed to bind parameter ""(?<type>\S+) (?<name>[^""]+)"" from ""(?<value>.*)""\.$", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex(@"but no body was provided|no body was provided", RegexOptions.IgnoreCase)]
    private static partial Regex MissingBody();

    [GeneratedRegex(@"Nullable`1\[(.+)\]")]
    private static partial Regex NullableOf();
}
