using System.Security.Cryptography;

namespace CityOps.Ingest.Security;

/// <summary>
/// The credential CityOps' own clients (the ingest client, the demo simulator) use on the embedded
/// broker when it requires authentication: random per process, never stored, never shown.
/// </summary>
public sealed class InternalCredentials
{
    public string Username { get; } = "cityops-internal-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();

    public string Password { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
