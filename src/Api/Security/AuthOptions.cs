using CityOps.Grains.Configuration;

namespace CityOps.Api.Security;

/// <summary><c>CityOps:Auth</c>: API keys. None configured: the API is open, and so answers loopback clients only.</summary>
public sealed class AuthOptions
{
    public const string Section = "CityOps:Auth";

    public const int MinimumKeyLength = 16;

    public List<ApiKey> ApiKeys { get; set; } = [];

    /// <summary>Checks the keys at start-up: long enough, a known role, no key twice. Key values are never printed.</summary>
    public static void Check(AuthOptions o, OptionsProblems problems)
    {
        for (var i = 0; i < o.ApiKeys.Count; i++)
        {
            var k = o.ApiKeys[i];
            problems.RequireSecret(k.Key.Length >= MinimumKeyLength, $"ApiKeys:{i}:Key", k.Key, $"must be at least {MinimumKeyLength} characters");
            problems.Require(
                Role.Find(k.Role) is not null,
                $"ApiKeys:{i}:Role", k.Role, $"must be {Role.Names}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.ApiKeys.Count; i++)
        {
            problems.RequireSecret(seen.Add(o.ApiKeys[i].Key), $"ApiKeys:{i}:Key", o.ApiKeys[i].Key, "is the same key as an earlier one");
        }
    }
}
