using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;

namespace CityOps.Api.Endpoints;

/// <summary>
/// Turns what ASP.NET Core refuses before a handler runs (JSON that does not parse, a value of the wrong type, a query
/// value that does not bind, a body over its size limit) into a problem+json that names the field and the problem.
/// Without it the framework answers an empty 400 (or a 500 for a body too large) and the client cannot tell why.
/// </summary>
public sealed partial class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        // The endpoint that failed: the middleware has already cleared it from the context for the re-execution.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var (field, message) = Explain(bad, endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
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
    /// <param name="bodyType">The endpoint's body type, which says what a field should have been.</param>
    public static (string Field, string Message) Explain(BadHttpRequestException bad, Type? bodyType = null)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ("body", $"larger than this endpoint accepts ({bad.Message.Split(". ").LastOrDefault()?.TrimEnd('.')})");
        }

        if (bad.InnerException is JsonException json)
        {
            return (Field(json.Path), Problem(json, bodyType));
        }

        if (BindFailure().Match(bad.Message) is { Success: true } bind)
        {
            // [AsParameters] names the property (Page); the query string the client wrote says page.
            var name = bind.Groups["name"].Value;
            return (char.ToLowerInvariant(name[0]) + name[1..], $"'{bind.Groups["value"].Value}' is not {Expected(bind.Groups["type"].Value)}");
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

    private static string Problem(JsonException json, Type? bodyType)
    {
        var at = json.LineNumber is { } line ? $" (line {line + 1}, position {(json.BytePositionInLine ?? 0) + 1})" : "";
        if (ConversionFailure().IsMatch(json.Message))
        {
            // The message names the type being built (often the request record, not the field), so the field's own type
            // is looked up along the path.
            return TypeAt(bodyType, json.Path) is { } type ? $"expected {Expected(type)}{at}" : $"a value of the wrong type{at}";
        }

        // A syntax error: System.Text.Json's own sentence ("'h' is an invalid start of a value."), without its location tail.
        var sentence = json.Message.Split(" Path: ")[0].Split(" LineNumber: ")[0].TrimEnd(' ', '|');
        return $"not valid JSON: {sentence}{at}";
    }

    /// <summary>The type a JSON path (<c>$.attributes.x</c>, <c>$.items[2].lat</c>) leads to inside <paramref name="root"/>.</summary>
    public static Type? TypeAt(Type? root, string? path)
    {
        if (root is null || path is null || !path.StartsWith('$'))
        {
            return null;
        }

        var type = root;
        foreach (var raw in path[1..].Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = raw.Split('[')[0].Trim('\'');
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                type = type.GetGenericArguments()[1];
            }
            else if (type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } property)
            {
                type = property.PropertyType;
            }
            else
            {
                return null;
            }

            for (var index = raw.Count(c => c == '['); index > 0; index--)
            {
                type = ElementOf(type) ?? type;
            }
        }

        return Nullable.GetUnderlyingType(type) ?? type;
    }

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericArguments() is [var element] ? element
        : null;

    private static string Expected(Type type) => Type.GetTypeCode(Nullable.GetUnderlyingType(type) ?? type) switch
    {
        TypeCode.Double or TypeCode.Single or TypeCode.Decimal => "a number",
        TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 or TypeCode.Byte => "an integer",
        TypeCode.Boolean => "true or false",
        TypeCode.String => "a string",
        TypeCode.DateTime => "a time (RFC 3339, e.g. 2026-07-20T08:15:00+08:00)",
        _ when type == typeof(DateTimeOffset) || Nullable.GetUnderlyingType(type) == typeof(DateTimeOffset) => "a time (RFC 3339, e.g. 2026-07-20T08:15:00+08:00)",
        _ when type == typeof(TimeSpan) => "a duration (hh:mm:ss)",
        _ when type == typeof(JsonElement) => "a JSON value",
        _ when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) => "an object",
        _ when ElementOf(type) is not null => "an array",
        _ => "an object",
    };

    // Query and route values: the framework names the parameter's C# type ("int? page", "Nullable<DateTimeOffset> from").
    private static string Expected(string type) => type switch
    {
        _ when type.Contains("DateTime", StringComparison.Ordinal) => "a time (RFC 3339, e.g. 2026-07-20T08:15:00+08:00)",
        _ when type.Contains("double", StringComparison.OrdinalIgnoreCase) || type.Contains("decimal", StringComparison.OrdinalIgnoreCase) => "a number",
        _ when type.Contains("int", StringComparison.OrdinalIgnoreCase) || type.Contains("long", StringComparison.OrdinalIgnoreCase) => "an integer",
        _ when type.Contains("bool", StringComparison.OrdinalIgnoreCase) => "true or false",
        _ when type.Contains("TimeSpan", StringComparison.Ordinal) => "a duration (hh:mm:ss)",
        _ => "a value of type " + type,
    };

    [GeneratedRegex(@"converted to (?<type>.+?)\.(?: Path:|$)")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex(@"^Failed to bind parameter ""(?<type>.+) (?<name>[^"" ]+)"" from ""(?<value>.*)""\.$", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex(@"but no body was provided|no body was provided", RegexOptions.IgnoreCase)]
    private static partial Regex MissingBody();
}
