using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>A configuration that cannot work stops a real CityOps process with plain lines, not a stack trace.</summary>
public sealed class StartupConfigurationTests
{
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_problem_of_every_section_is_printed_with_key_value_and_rule_and_start_up_exits_78()
    {
        using var folder = new TempFolder("cityops-config");
        await using var app = new CityOpsProcess(folder.Combine("data"), new Dictionary<string, string>
        {
            ["CityOps:Auth:ApiKeys:0:Key"] = "too-short-key",
            ["CityOps:Auth:ApiKeys:0:Role"] = "admin",
            ["CityOps:Mqtt:ChannelCapacity"] = "0",
            ["CityOps:Influx:Url"] = "localhost:8086",
            ["CityOps:Cases:SweepInterval"] = "-00:00:05",
            ["CityOps:Dispatch:WebhookUrl"] = "ftp://dispatch.example",
            ["CityOps:RateLimit:Burst"] = "-1",
            ["CityOps:TimeZone"] = "Mars/Olympus",
        });

        var (exitCode, output, error) = await app.RunToExitAsync(Exit);

        Assert.Equal(78, exitCode);
        Assert.Contains("CityOps did not start: the configuration has 7 problems.", error);
        Assert.Contains("CityOps:Auth:ApiKeys:0:Key = (hidden, 13 characters): must be at least 16 characters", error);
        Assert.Contains("CityOps:Mqtt:ChannelCapacity = 0: must be positive", error);
        Assert.Contains("CityOps:Influx:Url = localhost:8086: must be an absolute http(s) URL", error);
        Assert.Contains("CityOps:Cases:SweepInterval = -00:00:05: must be positive", error);
        Assert.Contains("CityOps:Dispatch:WebhookUrl = ftp://dispatch.example: must be an absolute http(s) URL", error);
        Assert.Contains("CityOps:RateLimit:Burst = -1: must be 0 (off) or more", error);
        Assert.Contains("CityOps:TimeZone = Mars/Olympus: must be an IANA time zone id such as Asia/Shanghai", error);
        Assert.DoesNotContain("too-short-key", output + error);
        AssertNoStackTrace(output + error);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_its_key_and_value()
    {
        using var folder = new TempFolder("cityops-config");
        await using var app = new CityOpsProcess(folder.Combine("data"), new Dictionary<string, string>
        {
            ["CityOps:Mqtt:EmbeddedPort"] = "eighteen-eighty-three",
        });

        var (exitCode, output, error) = await app.RunToExitAsync(Exit);

        Assert.Equal(78, exitCode);
        Assert.Contains("'eighteen-eighty-three'", error);
        Assert.Contains("CityOps:Mqtt:EmbeddedPort", error);
        AssertNoStackTrace(output + error);
    }

    [Fact]
    public async Task A_kinds_yaml_with_errors_and_a_bad_kind_setting_stop_start_up_naming_file_line_and_key()
    {
        using var folder = new TempFolder("cityops-config");
        var rules = folder.Combine("rules");
        Directory.CreateDirectory(rules);
        await File.WriteAllTextAsync(Path.Combine(rules, "kinds.yaml"), "kinds:\n  pump:\n    metrics: { level_m: { min: 3, max: 1 } }\n");
        await using var app = new CityOpsProcess(folder.Combine("data"), new Dictionary<string, string>
        {
            ["CityOps:Rules:Path"] = rules,
            ["CityOps:Kinds:gas:Offline"] = "00:00:00",
        });

        var (exitCode, output, error) = await app.RunToExitAsync(Exit);

        Assert.Equal(78, exitCode);
        Assert.Contains($"{Path.Combine(rules, "kinds.yaml")}:3:40: kinds.pump.metrics.level_m.max: the physical range is empty: min 3 is above max 1", error);
        Assert.Contains("CityOps:Kinds:gas:Offline = 00:00:00: must be positive", error);
        AssertNoStackTrace(output + error);
    }

    private static void AssertNoStackTrace(string text)
    {
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("Exception", text);
    }
}
