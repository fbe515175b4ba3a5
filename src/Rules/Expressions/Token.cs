namespace CityOps.Rules.Expressions;

/// <summary>One token of a <c>where:</c> expression; <see cref="Offset"/> is its 0-based position in the text.</summary>
internal readonly record struct Token(TokenKind Kind, int Offset, string Text, double Number = 0, TimeSpan Duration = default);
