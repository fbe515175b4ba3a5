using CityOps.Api.Endpoints;
using CityOps.Tests.Rules;

namespace CityOps.Tests.Devices;

/// <summary>The bulk device import reads attributes from CSV (<c>name=value;…</c>) and GeoJSON (an object), and says which line is wrong.</summary>
public sealed class DeviceImportTests
{
    private static (List<ImportedDevice> Devices, Dictionary<string, string[]> Errors) Import(string text, bool isJson = false)
    {
        var errors = new Dictionary<string, string[]>();
        return (DeviceImport.Validate(text, isJson, ShippedRules.Kinds.Kinds, errors), errors);
    }

    [Fact]
    public void A_csv_attributes_column_gives_each_device_its_attributes()
    {
        var (devices, errors) = Import("""
            id,kind,name,lat,lon,code,attributes
            LC-1,lampcabinet,控制箱,35.30,113.92,,
            SL-1,streetlight,路灯,35.30,113.92,,parent=LC-1
            WL-1,waterlog,积水,35.30,113.92,,"catchment = 西南排水分区 ; threshold.waterlog-depth.red=35;"
            """);

        Assert.Empty(errors);
        Assert.Empty(devices[0].Registration.Attributes);
        Assert.Equal("LC-1", devices[1].Registration.Attributes["parent"]);
        Assert.Equal(("西南排水分区", "35"), (devices[2].Registration.Attributes["catchment"], devices[2].Registration.Attributes["threshold.waterlog-depth.red"]));
        Assert.Equal("line 4.", devices[2].Field);
    }

    [Fact]
    public void A_csv_without_the_attributes_column_imports_as_before()
    {
        var (devices, errors) = Import("id,kind,name,lat,lon,code\nWL-1,waterlog,积水,35.30,113.92,\n");
        Assert.Empty(errors);
        Assert.Empty(Assert.Single(devices).Registration.Attributes);
    }

    [Theory]
    [InlineData("catchment", "'catchment' is not name=value")]
    [InlineData("=east", "'=east' is not name=value")]
    [InlineData("catchment=east;catchment=west", "'catchment' is given twice")]
    public void A_broken_attributes_cell_is_refused_naming_its_line(string cell, string message)
    {
        var (devices, errors) = Import($"id,kind,attributes\nWL-1,waterlog,ok=1\nWL-2,waterlog,{cell}\n");

        var error = Assert.Single(errors);
        Assert.Equal("line 3.attributes", error.Key);
        Assert.StartsWith(message, error.Value[0], StringComparison.Ordinal);
        Assert.Contains("catchment=east;parent=LC-0001", error.Value[0], StringComparison.Ordinal);
        Assert.Empty(devices);
    }

    [Fact]
    public void GeoJson_features_carry_attributes_as_an_object()
    {
        var (devices, errors) = Import("""
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {"id": "SL-1", "kind": "streetlight", "attributes": {"parent": "LC-1", "pole": 12}},
               "geometry": {"type": "Point", "coordinates": [113.92, 35.30]}},
              {"type": "Feature", "properties": {"id": "SL-2", "kind": "streetlight"},
               "geometry": {"type": "Point", "coordinates": [113.92, 35.30]}}
            ]}
            """, isJson: true);

        Assert.Empty(errors);
        Assert.Equal(("LC-1", "12"), (devices[0].Registration.Attributes["parent"], devices[0].Registration.Attributes["pole"]));
        Assert.Empty(devices[1].Registration.Attributes);
    }

    [Fact]
    public void GeoJson_attributes_that_are_not_an_object_are_refused_naming_the_feature()
    {
        var (_, errors) = Import("""
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {"id": "SL-2", "kind": "streetlight", "attributes": "parent=LC-1"},
               "geometry": {"type": "Point", "coordinates": [113.92, 35.30]}}
            ]}
            """, isJson: true);

        Assert.Equal("features[0].properties.attributes", Assert.Single(errors).Key);
    }
}
