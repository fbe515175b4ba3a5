using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CityOps.Api.Endpoints;

/// <summary>
/// Reads a bulk device list: CSV with the header <c>id,kind,name,lat,lon,code,attributes</c> (RFC 4180 quoting;
/// <c>attributes</c> as <c>name=value;name=value</c>, e.g. <c>catchment=east;parent=LC-0001</c>), or a GeoJSON
/// FeatureCollection of points whose properties carry id, kind, name, code and an <c>attributes</c> object.
/// </summary>
public static class DeviceImport
{
    public const int MaxDevices = 100_000;

    private const string AttributeForm = "attributes are name=value pairs separated by ';', e.g. catchment=east;parent=LC-0001";

    /// <summary>Parses and validates a whole file; every problem lands in <paramref name="errors"/>. Parents are checked apart (<see cref="CheckParentsAsync"/>).</summary>
    public static List<ImportedDevice> Validate(string text, bool isJson, IReadOnlyCollection<string> kinds, Dictionary<string, string[]> errors)
    {
        var rows = isJson ? ParseGeoJson(text, errors) : ParseCsv(text, errors);
        if (rows.Count > MaxDevices)
        {
            errors["devices"] = [$"at most {MaxDevices} devices per import"];
        }

        var registrations = new List<ImportedDevice>();
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
                registrations.Add(new ImportedDevice(id, registration, prefix));
            }
        }

        return registrations;
    }

    /// <summary>
    /// The <c>parent</c> attributes of a whole file, as <c>PUT /api/v1/devices/{id}</c> checks one: the parent is in the
    /// file or registered, and following parents (the file's first, then the registry's) never comes back to the device.
    /// </summary>
    public static async Task CheckParentsAsync(IReadOnlyList<ImportedDevice> devices, IGrainFactory grains, Dictionary<string, string[]> errors)
    {
        var inFile = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            inFile[device.Id] = device.Registration.Attributes.GetValueOrDefault(DeviceParents.Attribute);
        }

        async Task<DeviceParents.Link> Lookup(string id) => inFile.TryGetValue(id, out var parent)
            ? new DeviceParents.Link(true, parent)
            : DeviceParents.LinkOf(await grains.GetGrain<IDeviceGrain>(id).Get());

        foreach (var device in devices)
        {
            if (inFile[device.Id] is { Length: > 0 } parent && await DeviceParents.ProblemAsync(device.Id, parent, Lookup) is { } problem)
            {
                errors[$"{device.Field}attributes.{DeviceParents.Attribute}"] = [problem];
            }
        }
    }

    /// <summary>Registers validated devices with their grains, a few dozen at a time.</summary>
    public static Task RegisterAsync(IGrainFactory grains, IEnumerable<ImportedDevice> registrations, CancellationToken cancellationToken) =>
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
        int id = Column("id"), kind = Column("kind"), name = Column("name"), lat = Column("lat"), lon = Column("lon"), code = Column("code"),
            attributes = Column("attributes");
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

            devices.Add((Field(id) ?? "", new DeviceRequest(Field(kind), Field(name), Number(lat, "lat"), Number(lon, "lon"), Field(code),
                Field(attributes) is { } pairs ? Attributes(pairs, $"line {line}.attributes", errors) : null, null), line));
        }

        return devices;
    }

    /// <summary>The CSV form of attributes, <c>name=value;name=value</c>: values are text, as in the API's JSON.</summary>
    private static Dictionary<string, JsonElement> Attributes(string pairs, string field, Dictionary<string, string[]> errors)
    {
        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var pair in pairs.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? pair[..equals].Trim() : "";
            if (name.Length == 0)
            {
                errors[field] = [$"'{pair}' is not name=value; {AttributeForm}"];
            }
            else if (!attributes.TryAdd(name, JsonSerializer.SerializeToElement(pair[(equals + 1)..].Trim())))
            {
                errors[field] = [$"'{name}' is given twice; {AttributeForm}"];
            }
        }

        return attributes;
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

                Dictionary<string, JsonElement>? attributes = null;
                if (feature.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                    && properties.TryGetProperty("attributes", out var given))
                {
                    if (given.ValueKind == JsonValueKind.Object)
                    {
                        attributes = given.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
                    }
                    else
                    {
                        errors[at + ".properties.attributes"] = ["attributes is an object of name: value, e.g. {\"catchment\": \"east\", \"parent\": \"LC-0001\"}"];
                    }
                }

                var id = Prop("id") ?? (feature.TryGetProperty("id", out var fid) ? fid.ToString() : "");
                devices.Add((id, new DeviceRequest(Prop("kind"), Prop("name"), lat, lon, Prop("code"), attributes, null), index));
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
