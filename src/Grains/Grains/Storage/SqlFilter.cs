using System.Text;

namespace CityOps.Grains.Storage;

/// <summary>
/// The <c>WHERE</c> of a list query: one condition per filter given (a null value means any), each value a parameter.
/// Columns and operators are the stores' constants, never input.
/// </summary>
public sealed class SqlFilter
{
    private readonly StringBuilder _where = new(" WHERE 1=1");
    private readonly List<(string Name, object? Value)> _parameters = [];

    public string Where => _where.ToString();

    public IReadOnlyList<(string Name, object? Value)> Parameters => _parameters;

    /// <summary>Adds <c>column op @value</c> unless <paramref name="value"/> is null.</summary>
    public SqlFilter Add(string column, object? value, string op = "=")
    {
        if (value is not null)
        {
            var name = "f" + _parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _where.Append(" AND ").Append(column).Append(' ').Append(op).Append(" @").Append(name);
            _parameters.Add((name, value));
        }

        return this;
    }

    /// <summary>Adds <c>column = @value</c> with the enum's wire name, unless <paramref name="value"/> is null.</summary>
    public SqlFilter Add<TEnum>(string column, TEnum? value)
        where TEnum : struct, Enum => Add(column, value is { } v ? WireNames.Of(v) : null);
}
