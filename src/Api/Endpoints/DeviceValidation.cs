using System.Collections.Immutable;
using System.Text.Json;
using CityOps.Grains.Devices;
using CityOps.Ingest.Parsing;

namespace CityOps.Api.Endpoints;

/// <summary>The checks a device registration must pass, shared by the single and the bulk endpoint.</summary>
public static class DeviceValidation
{
    /// <summary>
    /// The one device id check, shared with MQTT topics: <c>[A-Za-z0-9_.-]{1,64}</c>, not <c>.</c> or <c>..</c>, and
    /// nothing after it (a regex ending in <c>$</c> would also accept a trailing newline).
    /// </summary>
    public static bool IsDeviceId(string id) => TopicParser.IsValidDeviceId(id);

    /// <summary>Returns the registration, or the problems found (field → message).</summary>
    public static DeviceRegistration? Validate(string id, DeviceRequest request, IReadOnlyCollection<string> kinds, Dictionary<string, string[]> errors, string prefix = "")
    {
        if (!IsDeviceId(id))
        {
            errors[prefix + "id"] = ["Device ids are 1-64 characters of A-Z a-z 0-9 _ . - (not . or ..)"];
        }

        if (string.IsNullOrWhiteSpace(request.Kind) || !kinds.Contains(request.Kind))
        {
            errors[prefix + "kind"] = [$"kind must be one of {string.Join(", ", kinds)}"];
        }

        if (request.Lat is null != request.Lon is null)
        {
            errors[prefix + "lat"] = ["lat and lon go together"];
        }

        if (request.Lat is { } lat && (!double.IsFinite(lat) || lat is < -90 or > 90))
        {
            errors[prefix + "lat"] = ["lat must be within -90..90 (WGS84)"];
        }

        if (request.Lon is { } lon && (!double.IsFinite(lon) || lon is < -180 or > 180))
        {
            errors[prefix + "lon"] = ["lon must be within -180..180 (WGS84)"];
        }

        if (request.Code is { Length: > 0 } code && (code.Length is not (4 or 16) || !code.All(char.IsAsciiDigit)))
        {
            errors[prefix + "code"] = ["code is a 4-digit 部件 class code or a 16-digit 部件标识码"];
        }

        if (request.Name is { Length: > 200 })
        {
            errors[prefix + "name"] = ["name is at most 200 characters"];
        }

        if (request.Secret is { } secret && secret.Length is < 8 or > 256)
        {
            errors[prefix + "secret"] = ["secret must be 8-256 characters"];
        }

        if (request.Attributes is { Count: > 100 })
        {
            errors[prefix + "attributes"] = ["at most 100 attributes"];
        }

        var attributes = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Attributes ?? [])
        {
            if (AttributeText(value) is { } text)
            {
                attributes[name] = text;
            }
            else
            {
                errors[$"{prefix}attributes.{name}"] = [$"expected a string, a number or true/false, not {value.ValueKind.ToString().ToLowerInvariant()}"];
            }
        }

        if (errors.Count > 0)
        {
            return null;
        }

        return new DeviceRegistration(
            request.Kind!, request.Name, request.Lat, request.Lon, string.IsNullOrEmpty(request.Code) ? null : request.Code,
            attributes.ToImmutable(),
            request.Secret is null ? null : DeviceSecrets.Hash(request.Secret));
    }

    // Attributes are text to the rules (device.* and threshold overrides parse what they need), so a number or a
    // boolean is kept as JSON wrote it: {"threshold.waterlog-depth.red": 12} and {"...": "12"} mean the same.
    private static string? AttributeText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
