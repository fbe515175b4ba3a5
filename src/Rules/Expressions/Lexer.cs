namespace CityOps.Rules.Expressions;

/// <summary>Splits a <c>where:</c> expression into tokens. Names may hold dots (<c>device.height_cm</c>).</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i));
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }

                var name = text[start..i];
                if (name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal))
                {
                    throw new ExpressionException(start, $"'{name}' is not a valid name; write e.g. depth_cm or device.height_cm");
                }

                tokens.Add(new Token(TokenKind.Name, start, name));
                continue;
            }

            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            (TokenKind Kind, int Length) op = (c, next) switch
            {
                ('&', '&') => (TokenKind.And, 2),
                ('|', '|') => (TokenKind.Or, 2),
                ('<', '=') => (TokenKind.LessOrEqual, 2),
                ('>', '=') => (TokenKind.GreaterOrEqual, 2),
                ('=', '=') => (TokenKind.Equal, 2),
                ('!', '=') => (TokenKind.NotEqual, 2),
                ('<', _) => (TokenKind.Less, 1),
                ('>', _) => (TokenKind.Greater, 1),
                ('!', _) => (TokenKind.Not, 1),
                ('(', _) => (TokenKind.LeftParen, 1),
                (')', _) => (TokenKind.RightParen, 1),
                (',', _) => (TokenKind.Comma, 1),
                ('+', _) => (TokenKind.Plus, 1),
                ('-', _) => (TokenKind.Minus, 1),
                ('*', _) => (TokenKind.Star, 1),
                ('/', _) => (TokenKind.Slash, 1),
                _ => (TokenKind.End, 0),
            };

            if (op.Length == 0)
            {
                var hint = c switch
                {
                    '=' => "; compare with == (a single = is not allowed)",
                    '&' => "; write && for 'and'",
                    '|' => "; write || for 'or'",
                    _ => "",
                };
                throw new ExpressionException(start, $"unexpected character '{c}'{hint}");
            }

            tokens.Add(new Token(op.Kind, start, text.Substring(start, op.Length)));
            i += op.Length;
        }

        tokens.Add(new Token(TokenKind.End, text.Length, ""));
        return tokens;
    }

    private static Token ReadNumber(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        // A number followed by unit letters is a duration (5m, 1h30m), used as rate()'s window.
        if (i < text.Length && char.IsAsciiLetter(text[i]))
        {
            while (i < text.Length && char.IsAsciiLetterOrDigit(text[i]))
            {
                i++;
            }

            var literal = text[start..i];
            if (!Durations.TryParse(literal, out var duration))
            {
                throw new ExpressionException(start, $"'{literal}' is neither a number nor a duration; durations are whole numbers with units d, h, m, s, e.g. 5m or 1h30m");
            }

            return new Token(TokenKind.Duration, start, literal, Duration: duration);
        }

        var number = text[start..i];
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw new ExpressionException(start, $"'{number}' is not a number");
        }

        return new Token(TokenKind.Number, start, number, value);
    }
}
