namespace CityOps.Rules.Expressions;

/// <summary>
/// Recursive-descent parser for <c>where:</c> expressions. Precedence, loosest first:
/// <c>||</c>, <c>&amp;&amp;</c>, comparisons (not chained), <c>+ -</c>, <c>* /</c>, unary <c>! -</c>.
/// </summary>
public sealed class Parser
{
    /// <summary>Longest expression accepted: a condition an engineer writes fits in a line or two.</summary>
    public const int MaxLength = 2000;

    /// <summary>Deepest nesting of parentheses, calls and unary operators; bounds the recursion of parser and compiler.</summary>
    public const int MaxNesting = 64;

    private readonly List<Token> _tokens;
    private int _position;
    private int _nesting;

    private Parser(List<Token> tokens) => _tokens = tokens;

    /// <exception cref="ExpressionException">The text is not a valid expression.</exception>
    public static Node Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new ExpressionException(0, $"the expression is {text.Length} characters long; at most {MaxLength} are allowed");
        }

        var parser = new Parser(Lexer.Tokenize(text));
        if (parser.Peek.Kind == TokenKind.End)
        {
            throw new ExpressionException(0, "the expression is empty; write a condition such as on == 1 && current_a < 0.05");
        }

        var node = parser.Or();
        if (parser.Peek.Kind != TokenKind.End)
        {
            var token = parser.Peek;
            throw new ExpressionException(token.Offset, token.Kind == TokenKind.RightParen
                ? "')' without a matching '('"
                : $"unexpected '{token.Text}' after a complete expression; join conditions with && or ||");
        }

        return node;
    }

    private Token Peek => _tokens[_position];

    private Token Take() => _tokens[_position++];

    private Node Or() => LeftAssociative(And, TokenKind.Or, TokenKind.Or);

    private Node And() => LeftAssociative(Comparison, TokenKind.And, TokenKind.And);

    private Node Comparison()
    {
        var left = Sum();
        if (Peek.Kind is TokenKind.Less or TokenKind.LessOrEqual or TokenKind.Greater or TokenKind.GreaterOrEqual or TokenKind.Equal or TokenKind.NotEqual)
        {
            var op = Take();
            left = new BinaryNode(left.Offset, op.Text, op.Offset, left, Sum());
            if (Peek.Kind is TokenKind.Less or TokenKind.LessOrEqual or TokenKind.Greater or TokenKind.GreaterOrEqual or TokenKind.Equal or TokenKind.NotEqual)
            {
                throw new ExpressionException(Peek.Offset, "comparisons do not chain; write a < x && x < b");
            }
        }

        return left;
    }

    private Node Sum() => LeftAssociative(Product, TokenKind.Plus, TokenKind.Minus);

    private Node Product() => LeftAssociative(Unary, TokenKind.Star, TokenKind.Slash);

    /// <summary>Operands joined by operators of one precedence level (<paramref name="first"/> or <paramref name="second"/>), left to right.</summary>
    private Node LeftAssociative(Func<Node> operand, TokenKind first, TokenKind second)
    {
        var left = operand();
        while (Peek.Kind == first || Peek.Kind == second)
        {
            var op = Take();
            left = new BinaryNode(left.Offset, op.Text, op.Offset, left, operand());
        }

        return left;
    }

    private Node Unary()
    {
        if (Peek.Kind is TokenKind.Not or TokenKind.Minus)
        {
            var op = Take();
            Enter(op);
            var operand = Unary();
            _nesting--;
            return new UnaryNode(op.Offset, op.Text, operand);
        }

        return Primary();
    }

    private Node Primary()
    {
        var token = Take();
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new NumberNode(token.Offset, token.Number);
            case TokenKind.Duration:
                return new DurationNode(token.Offset, token.Duration, token.Text);
            case TokenKind.LeftParen:
                Enter(token);
                var inner = Or();
                Expect(TokenKind.RightParen, $"'(' at column {token.Offset + 1} is never closed; add ')'");
                _nesting--;
                return inner;
            case TokenKind.Name when Peek.Kind == TokenKind.LeftParen:
                Enter(token);
                Take();
                var arguments = ImmutableArray.CreateBuilder<Node>();
                if (Peek.Kind != TokenKind.RightParen)
                {
                    arguments.Add(Or());
                    while (Peek.Kind == TokenKind.Comma)
                    {
                        Take();
                        arguments.Add(Or());
                    }
                }

                Expect(TokenKind.RightParen, $"{token.Text}( is never closed; add ')' or separate arguments with ','");
                _nesting--;
                return new CallNode(token.Offset, token.Text, arguments.ToImmutable());
            case TokenKind.Name:
                return new NameNode(token.Offset, token.Text);
            case TokenKind.End:
                throw new ExpressionException(token.Offset, "the expression ends too early; a number, metric or '(' is missing");
            default:
                throw new ExpressionException(token.Offset, $"unexpected '{token.Text}'; expected a number, a metric, device.<attribute>, a function or '('");
        }
    }

    private void Enter(Token token)
    {
        if (++_nesting > MaxNesting)
        {
            throw new ExpressionException(token.Offset, $"parentheses, calls and '!' or '-' are nested more than {MaxNesting} deep");
        }
    }

    private void Expect(TokenKind kind, string message)
    {
        if (Peek.Kind != kind)
        {
            throw new ExpressionException(Peek.Offset, message);
        }

        Take();
    }
}
