using System.Security.Cryptography;
using System.Text;

namespace CityOps.Api.Security;

/// <summary>The configured API keys, looked up by the key a request presents (as a SHA-256 digest).</summary>
public sealed class ApiKeyRing
{
    private readonly Dictionary<string, (Role Role, string Name)> _keys;

    public ApiKeyRing(AuthOptions options) =>
        _keys = options.ApiKeys.ToDictionary(
            k => Hash(k.Key),
            k => (Role.Find(k.Role)!, k.Name ?? k.Role.ToLowerInvariant()),
            StringComparer.Ordinal);

    /// <summary>No key configured: the API is open (and answers loopback clients only).</summary>
    public bool Open => _keys.Count == 0;

    /// <summary>The key the request presents (<c>X-Api-Key</c> or <c>Authorization: Bearer</c>), or null.</summary>
    public static string? Presented(HttpRequest request)
    {
        var header = request.Headers["X-Api-Key"].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    public bool TryFind(string? presented, out (Role Role, string Name) holder)
    {
        if (presented is null)
        {
            holder = default;
            return false;
        }

        return _keys.TryGetValue(Hash(presented), out holder);
    }

    // Keys are compared as SHA-256 digests: the lookup never works on the secret itself, nor leaks its length.
    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
