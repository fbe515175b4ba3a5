using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace CityOps.Grains;

/// <summary>
/// The names the enums of the contract have on the wire (JSON, stored rows, webhook payloads, query strings): the
/// <see cref="JsonStringEnumMemberNameAttribute"/> of each member, so there is one spelling of each name.
/// </summary>
public static class WireNames
{
    public static string Of<T>(T value) where T : struct, Enum => Cache<T>.Names.TryGetValue(value, out var name) ? name : value.ToString();

    public static bool TryParse<T>(string? name, out T value) where T : struct, Enum
    {
        value = default;
        return name is not null && Cache<T>.Values.TryGetValue(name, out value);
    }

    /// <summary>Every wire name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Cache<T>.Ordered;

    private static class Cache<T> where T : struct, Enum
    {
        public static readonly IReadOnlyList<string> Ordered = [.. typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name)];

        public static readonly FrozenDictionary<T, string> Names = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToFrozenDictionary(f => (T)f.GetValue(null)!, f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name);

        public static readonly FrozenDictionary<string, T> Values = Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
