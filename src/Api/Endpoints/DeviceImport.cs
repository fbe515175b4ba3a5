using System.Globalization;
using System.Text;
using System.Text.Json;
using CityOps.Grains;

namespace CityOps.Api.Endpoints;

/// <summary>
/// Reads a bulk device list: CSV with the header <c>id,kind,name,lat,lon,code</c> (RFC 4180 quoting),
/// or a GeoJSON FeatureCollection of points whose properties carry id, kind, name and code.
/// </summary>
public static class DeviceImport
{
    public const int MaxDevices = 100_000;

    /// <summary>Parses and validates a whole file; every problem lands in <paramref name="errors"/>.</summary>
    public static List<(string Id, DeviceRegistration Registration)> Validate(string text, bool isJson, IReadOnlyCollection<string> kinds, Dictionary<string, string[]> errors)
    {
        var rows = isJson ? ParseGeoJson(text, errors) : ParseCsv(text, errors);
        if (rows.Count > MaxDevices)
        {
            errors["devices"] = [$"at most {MaxDevices} devices per import"];
        }

        var registrations = new List<(string Id, DeviceRegistration Registration)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, request, line) in rows)
        {
            var prefix = isJson ? $"features[{line}]." : $"line {line}.";
            if (!seen.Add(id))
            {
                errors[prefix + "id"] = [$"duplicate id '{id}'"];
            }

            if (DeviceValidation.Validate(id, request, kinds, errors, prefix) is { } registration)
            {
                registrations.Add((id, registration));
            }
        }

        return registrations;
    }

    /// <summary>Registers validated devices with their grains, a few dozen at a time.</summary>
    public static Task RegisterAsync(IGrainFactory grains, IEnumerable<(string Id, DeviceRegistration Registration)> registrations, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(registrations, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (item, _) => await grains.GetGrain<IDeviceGrain>(item.Id).Register(item.Registration));

    public static List<(string Id, DeviceRequest Request, int Line)> ParseCsv(string text, Dictionary<string, string[]> errors)
    {
        var devices = new List<(string, DeviceRequest, int)>();
        var rows = ReadCsv(text);
        if (rows.Count == 0)
        {
            errors["csv"] = ["empty file; expected the header id,kind,name,lat,lon,code"];
            return devices;
        }

        var header = rows[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Column(string name) => header.IndexOf(name);
        int id = Column("id"), kind = Column("kind"), name = Column("name"), lat = Column("lat"), lon = Column("lon"), code = Column("code");
        if (id < 0 || kind < 0)
        {
            errors["csv"] = ["the header must name at least id and kind (id,kind,name,lat,lon,code)"];
            return devices;
        }

        foreach (var (line, fields) in rows.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }

            string? Field(int index) => index >= 0 && index < fields.Count && fields[index].Length > 0 ? fields[index].Trim() : null;
            double? Number(int index, string column)
            {
                if (Field(index) is not { } raw)
                {
                    return null;
                }

                if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }

                errors[$"line {line}.{column}"] = [$"'{raw}' is not a number"];
                return null;
            }

            devices.Add((Field(id) ?? "", new DeviceRequest(Field(kind), Field(name), Number(lat, "lat"), Number(lon, "lon"), Field(code), null, null), line));
        }

        return devices;
    }

    public static List<(string Id, DeviceRequest Request, int Line)> ParseGeoJson(string text, Dictionary<string, string[]> errors)
    {
        var devices = new List<(string, DeviceRequest, int)>();
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            if (!document.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                errors["geojson"] = ["expected a FeatureCollection with a features array"];
                return devices;
            }

            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                var at = $"features[{index}]";
                string? Prop(string name) =>
                    feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v)
                        ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString()
                        : null;
                double? lat = null, lon = null;
                if (feature.TryGetProperty("geometry", out var geometry) && geometry.ValueKind == JsonValueKind.Object)
                {
                    if (geometry.TryGetProperty("type", out var type) && type.GetString() == "Point"
                        && geometry.TryGetProperty("coordinates", out var c) && c.ValueKind == JsonValueKind.Array && c.GetArrayLength() >= 2
                        && c[0].ValueKind == JsonValueKind.Number && c[1].ValueKind == JsonValueKind.Number)
                    {
                        lon = c[0].GetDouble();
                        lat = c[1].GetDouble();
                    }
                    else
                    {
                        errors[at + ".geometry"] = ["a device is a Point [lon, lat]"];
                    }
                }

                var id = Prop("id") ?? (feature.TryGetProperty("id", out var fid) ? fid.ToString() : "");
                devices.Add((id, new DeviceRequest(Prop("kind"), Prop("name"), lat, lon, Prop("code"), null, null), index));
                index++;
            }
        }
        catch (JsonException ex)
        {
            errors["geojson"] = ["not valid JSON: " + ex.Message];
        }

        return devices;
    }

    /// <summary>Splits RFC 4180 CSV into rows of fields, with the 1-based line each row starts on.</summary>
    public static List<(int Line, List<string> Fields)> ReadCsv(string text)
    {
        var rows = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var rowStart = 1;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    rows.Add((rowStart, fields));
                    fields = [];
                    line++;
                    rowStart = line;
                    break;
                case '\uFEFF' when i == 0:
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            rows.Add((rowStart, fields));
        }

        return rows;
    }
}
