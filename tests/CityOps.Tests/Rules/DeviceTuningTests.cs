using CityOps.Rules;
using static CityOps.Tests.Rules.TestRules;

namespace CityOps.Tests.Rules;

public class DeviceTuningTests
{
    private static Dictionary<string, string> Attributes(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Device_overrides_one_level_of_the_ladder_by_severity()
    {
        var tuning = DeviceTuning.Resolve(Depth(), Attributes(("threshold.depth.red", "45"), ("threshold.other.red", "1"), ("name", "x")));

        Assert.NotNull(tuning);
        Assert.Equal<double>([15.0, 27, 40, 45], tuning.Thresholds);
    }

    [Fact]
    public void Single_level_rule_takes_a_plain_number_and_offline_rule_a_duration()
    {
        var speed = Single("""
            rules:
              - id: speed
                kind: vehicle
                metric: speed_kmh
                levels: [ { severity: yellow, above: 60 } ]
                case: { code: "2102", title: "超速" }
            """);

        Assert.Equal<double>([40.0], DeviceTuning.Resolve(speed, Attributes(("threshold.speed", "40")))!.Thresholds);
        Assert.Equal(TimeSpan.FromHours(2), DeviceTuning.Resolve(Offline(), Attributes(("threshold.silent.offline", "2h")))!.Offline);
    }

    [Theory]
    [InlineData("threshold.depth.red", "30")]      // below orange 40: out of order
    [InlineData("threshold.depth.purple", "30")]
    [InlineData("threshold.depth", "30")]          // four levels: name one
    [InlineData("threshold.depth.red", "deep")]
    [InlineData("threshold.depth.offline", "1h")]
    public void Invalid_override_is_ignored_and_reported(string key, string value)
    {
        var problems = new List<string>();

        Assert.Null(DeviceTuning.Resolve(Depth(), Attributes((key, value)), problems));
        Assert.Single(problems);
    }

    [Fact]
    public void Offline_override_lengthens_the_silence_for_one_device()
    {
        var rule = Offline("30m");
        var state = new AlarmState();
        var seen = T0;

        Assert.Equal(AlarmChangeKind.None, RuleEvaluator.CheckOffline(rule, state, seen, T0.AddMinutes(45), TimeSpan.FromHours(1)).Kind);
        Assert.Equal(AlarmChangeKind.Raised, RuleEvaluator.CheckOffline(rule, state, seen, T0.AddMinutes(61), TimeSpan.FromHours(1)).Kind);
    }
}
