using System.Collections.Immutable;
using CityOps.Rules;

namespace CityOps.Tests.Rules;

/// <summary>One waterlog gauge judged by a rule file, readings stamped by the test (the clock is the readings' time).</summary>
internal sealed class SeriesJudge
{
    public static readonly DateTimeOffset T0 = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    private readonly DeviceJudge _judge;

    public SeriesJudge(string yaml, string kind = "waterlog")
    {
        var result = RuleParser.Parse("test.yaml", yaml);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Errors));
        _judge = new DeviceJudge(KindCatalog.Default.Get(kind), NoZones.Instance);
        _judge.UseRules(result.RuleSet!);
        _judge.Tune(ImmutableDictionary<string, string>.Empty);
    }

    public AlarmState? Alarm(string ruleId) => _judge.AlarmOf(ruleId);

    /// <summary>Judges one reading of <paramref name="metric"/>; the changes it caused, by rule.</summary>
    public List<(string Rule, AlarmChangeKind Kind)> Feed(TimeSpan since, double value, string metric = "depth_cm")
    {
        _judge.Begin(T0 + since);
        _judge.Set(metric, value);
        _judge.Remember();
        var changes = new List<(string, AlarmChangeKind)>();
        for (var i = 0; i < _judge.Rules.Length; i++)
        {
            if (_judge.Evaluate(i, out var change, out _, out _) && change.Kind is not AlarmChangeKind.None and not AlarmChangeKind.Updated)
            {
                changes.Add((_judge.Rules[i].Id, change.Kind));
            }
        }

        return changes;
    }

    /// <summary>Feeds <paramref name="values"/> one every <paramref name="every"/> from <paramref name="from"/>; every change, with its time.</summary>
    public List<(TimeSpan At, string Rule, AlarmChangeKind Kind)> Series(TimeSpan from, TimeSpan every, params double[] values)
    {
        var all = new List<(TimeSpan, string, AlarmChangeKind)>();
        for (var i = 0; i < values.Length; i++)
        {
            var at = from + (every * i);
            all.AddRange(Feed(at, values[i]).Select(c => (at, c.Rule, c.Kind)));
        }

        return all;
    }
}
