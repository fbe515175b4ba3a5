using System.Text.Json;
using CityOps.Rules;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO.Converters;

namespace CityOps.Grains.Zones;

/// <summary>
/// One immutable version of the city's zones: unit grids in an STR-tree of prepared polygons
/// (a point lookup touches only the few grids whose envelopes hold it) and named geofences.
/// </summary>
public sealed class ZoneSet : IZoneLookup
{
    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private readonly STRtree<(IPreparedGeometry Shape, GridCell Cell)> _grids = new();
    private readonly Dictionary<string, IPreparedGeometry> _geofences = new(StringComparer.Ordinal);

    // Every zone by id, grids included, for rules' inside:/outside: zone:<id>.
    private readonly Dictionary<string, IPreparedGeometry> _zones = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    private ZoneSet(string version, string source)
    {
        Version = version;
        Source = source;
    }

    public static ZoneSet Empty { get; } = Build("{\"type\":\"FeatureCollection\",\"features\":[]}", out _)!;

    public string Version { get; }

    /// <summary>The GeoJSON this set was built from, kept so it can be stored and served back.</summary>
    public string Source { get; }

    public int GridCount { get; private set; }

    public IReadOnlyCollection<string> Geofences => _geofences.Keys;

    public GridCell? Locate(double lat, double lon)
    {
        var point = Factory.CreatePoint(new Coordinate(lon, lat));
        foreach (var (shape, cell) in _grids.Query(point.EnvelopeInternal))
        {
            if (shape.Covers(point))
            {
                return cell;
            }
        }

        return null;
    }

    /// <summary>The <c>name</c> of a zone (what an incident's title calls it); null when it has none or does not exist.</summary>
    public string? NameOf(string zoneId) => _names.GetValueOrDefault(zoneId);

    /// <summary>Whether a geofence or grid has this id.</summary>
    public bool HasZone(string zoneId) => _zones.ContainsKey(zoneId);

    /// <summary>Whether the point lies in the geofence or grid with this id, boundary included; false for an unknown id.</summary>
    public bool IsInside(string zoneId, double lat, double lon) =>
        _zones.TryGetValue(zoneId, out var shape) && shape.Covers(Factory.CreatePoint(new Coordinate(lon, lat)));

    public IReadOnlyList<string> ZonesAt(double lat, double lon) => [.. Geofences.Where(z => IsInside(z, lat, lon)).Order(StringComparer.Ordinal)];

    /// <summary>Builds a zone set from a GeoJSON FeatureCollection, or returns null with every problem found.</summary>
    public static ZoneSet? Build(string geoJson, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        errors = problems;
        FeatureCollection? collection;
        try
        {
            collection = JsonSerializer.Deserialize<FeatureCollection>(geoJson, GeoJson);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            problems.Add("Not a GeoJSON FeatureCollection: " + ex.Message);
            return null;
        }

        if (collection is null)
        {
            problems.Add("Not a GeoJSON FeatureCollection.");
            return null;
        }

        var version = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(geoJson)))[..12].ToLowerInvariant();
        var set = new ZoneSet(version, geoJson);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < collection.Count; i++)
        {
            var feature = collection[i];
            var where = $"features[{i}]";
            var id = Property(feature, "id");
            var type = Property(feature, "type");
            if (string.IsNullOrWhiteSpace(id))
            {
                problems.Add($"{where}.properties.id: required.");
                continue;
            }

            where = $"features[{i}] ({id})";
            if (!ids.Add(id))
            {
                problems.Add($"{where}.properties.id: duplicate id.");
            }

            if (feature.Geometry is not (Polygon or MultiPolygon) || !feature.Geometry.IsValid)
            {
                problems.Add($"{where}.geometry: must be a valid Polygon or MultiPolygon.");
                continue;
            }

            var shape = feature.Geometry.Copy();
            shape.SRID = 4326;
            var prepared = PreparedGeometryFactory.Prepare(shape);
            switch (type)
            {
                case "grid":
                    var code = Property(feature, "code");
                    // 15 digits (county 6 + street 3 + community 3 + sequence 3); older CJ/T 213 grids have 14.
                    if (code is null || code.Length is not (14 or 15) || !code.All(char.IsAsciiDigit))
                    {
                        problems.Add($"{where}.properties.code: a grid needs a 15-digit unit-grid code (or a 14-digit CJ/T 213 one).");
                        continue;
                    }

                    set._grids.Insert(shape.EnvelopeInternal, (prepared, new GridCell(id, code, Property(feature, "name"), Property(feature, "unit"))));
                    set._zones[id] = prepared;
                    set.GridCount++;
                    break;
                case "geofence":
                    set._geofences[id] = prepared;
                    if (Property(feature, "name") is { Length: > 0 } name)
                    {
                        set._names[id] = name;
                    }

                    set._zones[id] = prepared;
                    break;
                default:
                    problems.Add($"{where}.properties.type: must be 'grid' or 'geofence', not '{type}'.");
                    break;
            }
        }

        if (problems.Count > 0)
        {
            return null;
        }

        set._grids.Build();
        return set;
    }

    private static string? Property(IFeature feature, string name) =>
        feature.Attributes is { } attributes && attributes.Exists(name) ? attributes[name]?.ToString() : null;
}
