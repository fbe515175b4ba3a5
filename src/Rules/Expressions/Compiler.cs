namespace CityOps.Rules.Expressions;

/// <summary>
/// Type-checks a parsed expression against the metrics of one device kind and turns it into nested closures: no
/// interpretation of the tree per reading, no reflection, and nothing in a rule file can name code to run. Numbers and
/// conditions are separate types, so <c>on &amp;&amp; 3</c> or <c>depth_cm + (a &lt; b)</c> are errors, not surprises.
/// Arithmetic and comparisons follow IEEE rules: an unknown value (a <c>rate()</c> without history, a missing device
/// attribute) is NaN, and every comparison with NaN is false.
/// </summary>
public sealed class Compiler
{
    private const string DevicePrefix = "device.";

    private readonly DeviceKind _kind;
    private readonly List<ExpressionProblem> _problems = [];
    private readonly SortedSet<int> _slots = [];
    private TimeSpan _rateWindow;

    private Compiler(DeviceKind kind) => _kind = kind;

    /// <summary>Parses and compiles <paramref name="text"/> for devices of <paramref name="kind"/>; null with every problem found otherwise.</summary>
    public static CompiledExpression? Compile(string text, DeviceKind kind, out IReadOnlyList<ExpressionProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(kind);
        Node root;
        try
        {
            root = Parser.Parse(text);
        }
        catch (ExpressionException ex)
        {
            problems = [new ExpressionProblem(ex.Offset, ex.Message)];
            return null;
        }

        var compiler = new Compiler(kind);
        var compiled = compiler.Build(root);
        if (compiled.Condition is null && compiler._problems.Count == 0)
        {
            compiler._problems.Add(new ExpressionProblem(root.Offset, "where: must be a condition (true or false), e.g. depth_cm > 20 or on == 1 && current_a < 0.05, not a plain number"));
        }

        problems = compiler._problems;
        return compiler._problems.Count > 0 || compiled.Condition is null
            ? null
            : new CompiledExpression(text, root, compiled.Condition, [.. compiler._slots], compiler._rateWindow);
    }

    private Typed Build(Node node)
    {
        switch (node)
        {
            case NumberNode number:
                var constant = number.Value;
                return Typed.Of(_ => constant);

            case DurationNode duration:
                return Problem(duration, $"a duration such as {duration.Text} is only allowed as the window of rate(metric, {duration.Text})");

            case NameNode { Name: var name } when name.StartsWith(DevicePrefix, StringComparison.Ordinal):
                var attribute = name[DevicePrefix.Length..];
                return Typed.Of(c => c.Attribute(attribute));

            case NameNode name:
                var slot = Slot(name);
                return slot < 0 ? Typed.Invalid : Typed.Of(c => c.Values[slot]);

            case UnaryNode { Operator: "!" } unary:
                var negated = Condition(unary.Operand, "!");
                return negated is null ? Typed.Invalid : Typed.Of((Func<ReadingContext, bool>)(c => !negated(c)));

            case UnaryNode unary:
                var operand = Number(unary.Operand, "-");
                return operand is null ? Typed.Invalid : Typed.Of(c => -operand(c));

            case BinaryNode { Operator: "&&" or "||" } logical:
                var l = Condition(logical.Left, logical.Operator);
                var r = Condition(logical.Right, logical.Operator);
                if (l is null || r is null)
                {
                    return Typed.Invalid;
                }

                return logical.Operator == "&&"
                    ? Typed.Of((Func<ReadingContext, bool>)(c => l(c) && r(c)))
                    : Typed.Of((Func<ReadingContext, bool>)(c => l(c) || r(c)));

            case BinaryNode binary:
                var a = Number(binary.Left, binary.Operator);
                var b = Number(binary.Right, binary.Operator);
                if (a is null || b is null)
                {
                    return Typed.Invalid;
                }

                return binary.Operator switch
                {
                    "+" => Typed.Of(c => a(c) + b(c)),
                    "-" => Typed.Of(c => a(c) - b(c)),
                    "*" => Typed.Of(c => a(c) * b(c)),
                    "/" => Typed.Of(c => a(c) / b(c)),
                    "<" => Typed.Of((Func<ReadingContext, bool>)(c => a(c) < b(c))),
                    "<=" => Typed.Of((Func<ReadingContext, bool>)(c => a(c) <= b(c))),
                    ">" => Typed.Of((Func<ReadingContext, bool>)(c => a(c) > b(c))),
                    ">=" => Typed.Of((Func<ReadingContext, bool>)(c => a(c) >= b(c))),
                    "==" => Typed.Of((Func<ReadingContext, bool>)(c => a(c) == b(c))),
                    "!=" => Typed.Of((Func<ReadingContext, bool>)(c => a(c) != b(c))),
                    _ => Problem(binary, $"unknown operator '{binary.Operator}'"),
                };

            case CallNode call:
                return Call(call);

            default:
                return Problem(node, "unsupported expression");
        }
    }

    private Typed Call(CallNode call)
    {
        switch (call.Function)
        {
            case "abs" when Arity(call, 1):
                var x = Number(call.Arguments[0], "abs()");
                return x is null ? Typed.Invalid : Typed.Of(c => Math.Abs(x(c)));
            case "min" or "max" when Arity(call, 2):
                var p = Number(call.Arguments[0], call.Function + "()");
                var q = Number(call.Arguments[1], call.Function + "()");
                if (p is null || q is null)
                {
                    return Typed.Invalid;
                }

                return call.Function == "min" ? Typed.Of(c => Math.Min(p(c), q(c))) : Typed.Of(c => Math.Max(p(c), q(c)));
            case "rate" when Arity(call, 2):
                if (call.Arguments[0] is not NameNode metric || metric.Name.StartsWith(DevicePrefix, StringComparison.Ordinal))
                {
                    return Problem(call.Arguments[0], "rate() takes a metric name first, e.g. rate(depth_cm, 5m)");
                }

                if (call.Arguments[1] is not DurationNode { Value: var window } || window <= TimeSpan.Zero)
                {
                    return Problem(call.Arguments[1], "rate() takes a window second, a duration such as 5m or 1h");
                }

                var slot = Slot(metric);
                if (slot < 0)
                {
                    return Typed.Invalid;
                }

                _rateWindow = window > _rateWindow ? window : _rateWindow;
                return Typed.Of(c => c.History.Rate(slot, window, c.At, c.Values[slot]));
            case "abs" or "min" or "max" or "rate":
                return Typed.Invalid;
            default:
                return Problem(call, $"unknown function '{call.Function}'; available: abs(x), min(a, b), max(a, b), rate(metric, window)");
        }
    }

    private bool Arity(CallNode call, int count)
    {
        if (call.Arguments.Length == count)
        {
            return true;
        }

        var usage = call.Function switch
        {
            "abs" => "abs(x)",
            "rate" => "rate(metric, window), e.g. rate(depth_cm, 5m)",
            _ => call.Function + "(a, b)",
        };
        Problem(call, $"{call.Function}() takes {count} argument{(count == 1 ? "" : "s")}, not {call.Arguments.Length}: {usage}");
        return false;
    }

    private int Slot(NameNode name)
    {
        var slot = _kind.SlotOf(name.Name);
        if (slot >= 0)
        {
            _slots.Add(slot);
            return slot;
        }

        var known = _kind.MetricNames;
        Problem(name, known.IsEmpty
            ? $"unknown metric '{name.Name}'"
            : $"unknown metric '{name.Name}' for kind '{_kind.Name}'; {_kind.Name} devices report {string.Join(", ", known)} (device attributes are written device.<name>)");
        return -1;
    }

    private Func<ReadingContext, double>? Number(Node node, string where)
    {
        var typed = Build(node);
        if (typed.Condition is not null)
        {
            Problem(node, $"{where} needs a number here, not a condition");
            return null;
        }

        return typed.Number;
    }

    private Func<ReadingContext, bool>? Condition(Node node, string where)
    {
        var typed = Build(node);
        if (typed.Number is not null)
        {
            var text = node is NumberNode n ? n.Value.ToString(CultureInfo.InvariantCulture) : "a number";
            Problem(node, $"{where} needs a condition here, not {text}; compare it, e.g. x == 1");
            return null;
        }

        return typed.Condition;
    }

    private Typed Problem(Node node, string message)
    {
        _problems.Add(new ExpressionProblem(node.Offset, message));
        return Typed.Invalid;
    }

    private readonly record struct Typed(Func<ReadingContext, double>? Number, Func<ReadingContext, bool>? Condition)
    {
        public static Typed Invalid => default;

        public static Typed Of(Func<ReadingContext, double> number) => new(number, null);

        public static Typed Of(Func<ReadingContext, bool> condition) => new(null, condition);
    }
}
