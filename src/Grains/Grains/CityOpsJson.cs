using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>The one JSON shape CityOps speaks: camelCase, ISO 8601 times, nulls left out.</summary>
public static class CityOpsJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
