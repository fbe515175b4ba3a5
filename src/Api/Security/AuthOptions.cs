namespace CityOps.Api.Security;

/// <summary><c>CityOps:Auth</c>: API keys. None configured: the API is open, and so answers loopback clients only.</summary>
public sealed class AuthOptions
{
    public const int MinimumKeyLength = 16;

    public List<ApiKey> ApiKeys { get; set; } = [];

    /// <summary>Checks the keys at start-up: long enough, a known role, no key twice.</summary>
    public IEnumerable<string> Problems()
    {
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            var k = ApiKeys[i];
            if (k.Key.Length < MinimumKeyLength)
            {
                yield return $"CityOps:Auth:ApiKeys:{i}:Key is shorter than {MinimumKeyLength} characters";
            }

            if (!Enum.TryParse<Role>(k.Role, ignoreCase: true, out _) || int.TryParse(k.Role, out _))
            {
                yield return $"CityOps:Auth:ApiKeys:{i}:Role '{k.Role}' is not viewer, engineer, dispatcher or admin";
            }
        }

        if (ApiKeys.Select(k => k.Key).Distinct(StringComparer.Ordinal).Count() != ApiKeys.Count)
        {
            yield return "CityOps:Auth:ApiKeys has the same key twice";
        }
    }
}
