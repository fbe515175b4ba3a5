using System.Text;
using System.Text.RegularExpressions;
using CityOps.Rules;
using CityOps.Rules.Expressions;
using CityOps.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CityOps.Tests.Rules;

/// <summary>
/// Mutations of the shipped rule files and of <c>where:</c> expressions, and hand-made hostile inputs: every input
/// ends as a rule set or as <see cref="RuleError"/>s (expressions: compiled or problems), never as an exception,
/// in bounded time and memory. <c>CITYOPS_FUZZ_ITERATIONS=1000000</c> makes it a benchmark run.
/// </summary>
public sealed partial class RuleParserFuzzTests(ITestOutputHelper output)
{
    private const long MaxBytesPerInput = 64L * 1024 * 1024;

    private static readonly string[] Kinds = ["manhole", "waterlog", "streetlight", "vehicle"];

    // Fragments that push YAML and the rule reader into their corners more often than random characters would.
    private static readonly string[] YamlTokens =
    [
        ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "\"", "'", "#", "\n", "\n  ", "\n    - ", "\t", "---\n", "...\n", "|", ">",
        "&a ", "*a", "&a [*a]", "!!binary ", "!!int ", "!custom ", "? ", "%YAML 1.1\n", "~", "null", "true", "yes", "0x1F", "0o17",
        "1e308", "1e309", "-1e308", "-0", "-0.0", ".nan", ".inf", "-.inf", "9223372036854775808", "0.0000000001",
        "\n  - id: dup\n    kind: waterlog\n", "\n    for: 1m\n    for: 2m\n", "\n    levels: [ { severity: red, above: 1, above: 2 } ]\n",
        "\u0000", "\uFFFD", "\uD800", "\uDC00", "\uFEFF", "\u202E", "路灯", "\r\n", "\u2028",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "{a: {a: {a: {a: {a: {a: {a: {a: {a: {a:",
    ];

    private static readonly string[] ExpressionTokens =
    [
        "(", ")", "((((((((", "))))))))", "&&", "||", "!", "-", "+", "*", "/", "<", "<=", ">", ">=", "==", "!=", ",", " ",
        "rate(", "abs(", "rate(depth_cm, 5m)", "5m", "1h", "0s", "device.", "device.height_cm", "device.threshold.x", "..", ".",
        "1e308", "1e309", "-0", "0/0", "1/0", "9223372036854775808", "0.1", "depth_cm", "current_a", "on", "tilt_deg", "x",
        "\u0000", "\uFFFD", "\uD800", "路灯", "'", "\"", "#", "&", "|", "=", "!!!!!!!!",
    ];

    private static readonly string[] ExtremeNumbers = ["1e308", "-0", "1e309", "-1", "0", "99999999999999999999", ".nan"];

    private static readonly (string Kind, string Text)[] Expressions =
    [
        ("streetlight", "on == 1 && current_a < 0.05"),
        ("streetlight", "on == 1 && current_a > 0.05"),
        ("waterlog", "rate(depth_cm, 5m) > 2"),
        ("manhole", "abs(tilt_deg) > 10 || open == 1"),
        ("manhole", "device.height_cm - water_gap_cm > 50"),
        ("streetlight", "!(on == 1) && power_w / voltage_v >= 0.5"),
        ("vehicle", "speed_kmh > 60 && lid_closed == 0"),
        ("waterlog", "-depth_cm < -15 || depth_cm * 2 != 30"),
    ];

    [Fact]
    public void Mutated_shipped_rule_files_end_as_rules_or_rule_errors_in_bounded_time_and_memory()
    {
        var run = new FuzzRun("rule files", 5_000);
        var random = new Random(20261123);
        var shipped = ShippedRules.Files().Select(f => (Name: f.Key, Text: f.Value)).ToArray();

        for (var i = 0; i < run.Iterations; i++)
        {
            var (name, seed) = shipped[random.Next(shipped.Length)];
            var text = Mutate(seed, random);

            run.Begin();
            RuleParseResult? result = null;
            var thrown = Record.Exception(() => result = RuleParser.Parse(name, text));
            var (took, allocated) = run.End(thrown is not null ? "EXCEPTION" : result!.Success ? "accepted" : Reason(result.Errors[0]));

            var context = $"iteration {i}, {name}:\n{text}";
            Assert.True(thrown is null, $"{context}\nthrew {thrown}");
            Assert.True(result!.Success == (result.RuleSet is not null), context);
            Assert.All(result.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1 && e.Message.Length > 0, $"{context}\n{e}"));
            Assert.True(took < FuzzRun.HangGuard, $"{context}\ntook {took}");
            Assert.True(allocated < MaxBytesPerInput, $"{context}\nallocated {allocated:N0} bytes");
        }

        Report(run);
        Assert.True(run.Outcomes.GetValueOrDefault("accepted") > run.Inputs / 100, "the mutations never leave a valid rule set: the fuzzer is too coarse");
        Assert.True(run.Outcomes.Count >= 8, "the mutations reach too few kinds of error");
    }

    [Fact]
    public void Mutated_where_expressions_compile_or_report_problems_in_bounded_time_and_memory()
    {
        var run = new FuzzRun("where expressions", 20_000);
        var random = new Random(20261124);

        for (var i = 0; i < run.Iterations; i++)
        {
            var (kind, seed) = Expressions[random.Next(Expressions.Length)];
            var text = MutateExpression(seed, random);
            kind = random.Next(10) == 0 ? Kinds[random.Next(Kinds.Length)] : kind;

            run.Begin();
            CompiledExpression? compiled = null;
            IReadOnlyList<ExpressionProblem> problems = [];
            var thrown = Record.Exception(() => compiled = Compiler.Compile(text, KindCatalog.Default.Get(kind), out problems));
            var (took, allocated) = run.End(thrown is not null ? "EXCEPTION" : compiled is not null ? "accepted" : Reason(problems[0].Message));

            var context = $"iteration {i}, {kind}: {text}";
            Assert.True(thrown is null, $"{context}\nthrew {thrown}");
            Assert.True(compiled is not null || problems.Count > 0, $"{context}: neither compiled nor a problem");
            Assert.All(problems, p => Assert.InRange(p.Offset, 0, Math.Max(text.Length, 1)));
            Assert.True(took < FuzzRun.HangGuard, $"{context}\ntook {took}");
            Assert.True(allocated < MaxBytesPerInput, $"{context}\nallocated {allocated:N0} bytes");
        }

        Report(run);
        Assert.True(run.Outcomes.GetValueOrDefault("accepted") > run.Inputs / 100, "the mutations never leave a valid expression");
    }

    public static TheoryData<string, string> HostileFiles => new()
    {
        { "flow nesting 100,000 deep", "rules: " + new string('[', 100_000) + new string(']', 100_000) },
        { "mapping nesting 10,000 deep", "rules: " + string.Concat(Enumerable.Repeat("{a: ", 10_000)) + "1" + new string('}', 10_000) },
        { "block nesting 1,000 deep", "rules:\n" + string.Concat(Enumerable.Range(1, 1_000).Select(d => new string(' ', d) + "- \n")) },
        { "100,000 rules in one list", "rules: [" + string.Join(",", Enumerable.Repeat("{}", 100_000)) + "]" },
        { "100,000 levels", Rule("levels: [" + string.Join(",", Enumerable.Range(0, 100_000).Select(n => $"{{severity: red, above: {n}}}")) + "]") },
        { "10,000 levels", Rule("levels: [" + string.Join(",", Enumerable.Range(0, 10_000).Select(n => $"{{severity: red, above: {n}}}")) + "]") },
        { "threshold 1e308", Rule("levels: [ { severity: red, above: 1e308 } ]") },
        { "threshold 1e309", Rule("levels: [ { severity: red, above: 1e309 } ]") },
        { "threshold -0", Rule("levels: [ { severity: red, below: -0 } ]") },
        { "threshold .nan", Rule("levels: [ { severity: red, above: .nan } ]") },
        { "duplicate keys", Rule("levels: [ { severity: red, above: 1 } ]\n    for: 1m\n    for: 2m") },
        { "duplicate rule ids", Rule("levels: [ { severity: red, above: 1 } ]") + Rule("levels: [ { severity: red, above: 1 } ]")["rules:".Length..] },
        { "replacement characters and NUL", Rule("levels: [ { severity: red, above: 1 } ]").Replace("depth_cm", "depth\uFFFD\u0000cm", StringComparison.Ordinal) },
        { "lone surrogate", Rule("levels: [ { severity: red, above: 1 } ]").Replace("waterlog-fuzz", "water\uD800log", StringComparison.Ordinal) },
        { "self-referencing alias", "rules: &r [*r]" },
        { "billion laughs", "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nrules: [*f, *f, *f, *f]" },
        { "aliased rule list", "x: &x\n  - id: a\n    kind: waterlog\n    metric: depth_cm\n    levels: [ { severity: red, above: 1 } ]\n    case: { code: \"0406\", title: t }\nrules: *x" },
        { "1 MiB where expression", Rule("where: \"" + string.Concat(Enumerable.Repeat("depth_cm > 1 && ", 70_000)) + "on == 1\"\n    levels: [ { severity: red } ]") },
        { "2 MiB file", "rules: []\n#" + new string('x', 2 * 1024 * 1024) },
        { "10 KB rule id", Rule("levels: [ { severity: red, above: 1 } ]").Replace("waterlog-fuzz", new string('a', 10_000), StringComparison.Ordinal) },
        { "tabs and CRs", Rule("levels: [ { severity: red, above: 1 } ]").Replace("  ", "\t", StringComparison.Ordinal).Replace("\n", "\r", StringComparison.Ordinal) },
        { "only a BOM", "\uFEFF" },
        { "a key-less entry opening a mapping", "rules:\n  - : streetlight-offline\n    kind: streetlight\n" },
        { "many documents", string.Concat(Enumerable.Repeat("rules: []\n---\n", 10_000)) },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Hostile_rule_file_ends_as_rules_or_rule_errors_in_bounded_time(string what, string yaml)
    {
        var run = new FuzzRun(what, 1);
        run.Begin();
        RuleParseResult? result = null;
        var thrown = Record.Exception(() => result = RuleParser.Parse("hostile.yaml", yaml));
        var (took, _) = run.End(thrown is null ? "done" : "EXCEPTION");

        Assert.True(thrown is null, $"{what} threw {thrown}");
        Assert.True(took < FuzzRun.HangGuard, $"{what} took {took}");
        output.WriteLine($"{what}: {(result!.Success ? "accepted" : result.Errors[0].ToString())} in {took.TotalMilliseconds:0} ms");
    }

    public static TheoryData<string, string> HostileExpressions => new()
    {
        { "100,000 parentheses", new string('(', 100_000) + "on == 1" + new string(')', 100_000) },
        { "900 parentheses, within the length limit", new string('(', 900) + "on == 1" + new string(')', 900) },
        { "1,900 negations, within the length limit", new string('!', 1_900) + "(on == 1)" },
        { "a chain of 200 sums, within the length limit", string.Concat(Enumerable.Repeat("depth_cm+", 200)) + "1>0" },
        { "65 parentheses", new string('(', 65) + "on == 1" + new string(')', 65) },
        { "100,000 negations", new string('!', 100_000) + "(on == 1)" },
        { "100,000 minus signs", new string('-', 100_000) + "depth_cm > 1" },
        { "a chain of 100,000 sums", string.Concat(Enumerable.Repeat("depth_cm + ", 100_000)) + "1 > 0" },
        { "a chain of 500 ors at the length limit", string.Join(" || ", Enumerable.Repeat("on==1", 250)) },
        { "nested calls", string.Concat(Enumerable.Repeat("abs(", 10_000)) + "depth_cm" + new string(')', 10_000) + " > 1" },
        { "1e308 and -0", "depth_cm * 1e308 > -0 && -0 == 0" },
        { "a 10 KB name", new string('a', 10_000) + " > 1" },
        { "a 10 KB number", new string('9', 10_000) + " > depth_cm" },
        { "division by zero", "depth_cm / 0 > 1 || 0 / 0 == 0 / 0" },
    };

    [Theory]
    [MemberData(nameof(HostileExpressions))]
    public void Hostile_where_expression_compiles_or_reports_a_problem_in_bounded_time(string what, string text)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        CompiledExpression? compiled = null;
        IReadOnlyList<ExpressionProblem> problems = [];
        var thrown = Record.Exception(() => compiled = Compiler.Compile(text, KindCatalog.Default.Get("waterlog"), out problems));

        Assert.True(thrown is null, $"{what} threw {thrown}");
        Assert.True(compiled is not null || problems.Count > 0, what);
        Assert.True(clock.Elapsed < FuzzRun.HangGuard, $"{what} took {clock.Elapsed}");
        output.WriteLine($"{what}: {(compiled is not null ? "compiled" : problems[0].Message)}");
    }

    [Fact]
    public void Expression_nested_64_deep_is_accepted_and_65_deep_refused()
    {
        Assert.NotNull(Compiler.Compile(new string('(', 64) + "depth_cm > 1" + new string(')', 64), KindCatalog.Default.Get("waterlog"), out _));
        Assert.Null(Compiler.Compile(new string('(', 65) + "depth_cm > 1" + new string(')', 65), KindCatalog.Default.Get("waterlog"), out var problems));
        Assert.Contains("nested more than 64", problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_nested_beyond_32_levels_is_a_rule_error_with_its_line()
    {
        var result = RuleParser.Parse("deep.yaml", "rules:\n  - " + new string('[', 40) + new string(']', 40));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("deep.yaml", 2, "yaml"), (error.File, error.Line, error.Field));
        Assert.Contains("nested more than 32", error.Message, StringComparison.Ordinal);
    }

    private static string Rule(string body) =>
        $"rules:\n  - id: waterlog-fuzz\n    kind: waterlog\n    metric: depth_cm\n    {body}\n    case: {{ code: \"0406\", title: \"积水 {{value}} cm\" }}\n";

    private void Report(FuzzRun run)
    {
        output.WriteLine(run.Summary());
        Console.WriteLine(" " + run.Summary());
    }

    private static string Reason(RuleError error) => IndexPattern().Replace(error.Field, "[]") + ": " + Shape(error.Message);

    private static string Reason(string message) => Shape(message);

    // "'x' is not ..." and "column 17" become one reason whatever the particular name or number.
    private static string Shape(string message)
    {
        var shaped = NumberPattern().Replace(FunctionPattern().Replace(QuotedPattern().Replace(message, "'…'"), "f("), "N");
        var cut = shaped.IndexOf(';', StringComparison.Ordinal);
        shaped = cut > 0 ? shaped[..cut].TrimEnd() : shaped;
        return shaped.Length > 70 ? shaped[..70] + "…" : shaped;
    }

    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        var lines = text.Split('\n').ToList();
        var mutations = 1 + random.Next(3);
        for (var m = 0; m < mutations; m++)
        {
            var at = builder.Length == 0 ? 0 : random.Next(builder.Length);
            switch (random.Next(8))
            {
                case 0 when builder.Length > 0:
                    builder[at] = (char)random.Next(0x20, 0x7F);
                    break;
                case 1 when builder.Length > 0:
                    builder.Remove(at, Math.Min(1 + random.Next(12), builder.Length - at));
                    break;
                case 2:
                    builder.Insert(at, YamlTokens[random.Next(YamlTokens.Length)]);
                    break;
                case 3:
                    builder.Length = at;
                    break;
                case 4 when lines.Count > 1:
                    // Duplicate or drop a whole line: duplicate keys, missing keys, misplaced indentation.
                    lines = builder.ToString().Split('\n').ToList();
                    var line = random.Next(lines.Count);
                    if (random.Next(2) == 0)
                    {
                        lines.Insert(line, lines[line]);
                    }
                    else
                    {
                        lines.RemoveAt(line);
                    }

                    builder.Clear().AppendJoin('\n', lines);
                    break;
                case 5:
                    // A number somewhere becomes an extreme one.
                    var numbers = NumberPattern().Matches(builder.ToString());
                    if (numbers.Count > 0)
                    {
                        var n = numbers[random.Next(numbers.Count)];
                        builder.Remove(n.Index, n.Length).Insert(n.Index, ExtremeNumbers[random.Next(ExtremeNumbers.Length)]);
                    }

                    break;
                default:
                    builder.Insert(at, (char)random.Next(0x20, 0x7F));
                    break;
            }
        }

        return builder.ToString();
    }

    private static string MutateExpression(string text, Random random)
    {
        var builder = new StringBuilder(text);
        var mutations = 1 + random.Next(3);
        for (var m = 0; m < mutations; m++)
        {
            var at = builder.Length == 0 ? 0 : random.Next(builder.Length);
            switch (random.Next(5))
            {
                case 0 when builder.Length > 0:
                    builder[at] = (char)random.Next(0x20, 0x7F);
                    break;
                case 1 when builder.Length > 0:
                    builder.Remove(at, Math.Min(1 + random.Next(6), builder.Length - at));
                    break;
                case 2:
                    builder.Length = at;
                    break;
                default:
                    builder.Insert(at, ExpressionTokens[random.Next(ExpressionTokens.Length)]);
                    break;
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex IndexPattern();

    [GeneratedRegex(@"-?\d+(\.\d+)?(e[+-]?\d+)?")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"[A-Za-z_][\w.]*\(")]
    private static partial Regex FunctionPattern();

    [GeneratedRegex(@"'[^']*'")]
    private static partial Regex QuotedPattern();
}
