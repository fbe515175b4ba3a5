using System.Collections.Concurrent;

namespace CityOps.Ingest.Security;

/// <summary>
/// Which identity a client id's session on the embedded broker belongs to, from its first CONNECT until the session
/// is deleted. MQTT hands a session to whoever connects with its client id; CityOps hands it only to the same
/// identity, so a device cannot take over another device's or a service client's session (and with it that
/// session's permissions and subscriptions).
/// </summary>
public sealed class ClientIdOwners
{
    private readonly ConcurrentDictionary<string, ClientIdentity> _owners = new(StringComparer.Ordinal);

    /// <summary>Binds the client id to the identity, or returns false when another identity holds it.</summary>
    public bool TryClaim(string clientId, ClientIdentity identity)
    {
        var owner = _owners.GetOrAdd(clientId, identity);
        if (!string.Equals(owner.Name, identity.Name, StringComparison.Ordinal))
        {
            return false;
        }

        // The same identity again: its permissions are the ones of this connection (a device may have been re-registered).
        _owners[clientId] = identity;
        return true;
    }

    /// <summary>The identity the client id's connection was admitted as.</summary>
    public ClientIdentity? OwnerOf(string clientId) => _owners.TryGetValue(clientId, out var owner) ? owner : null;

    public void Release(string clientId) => _owners.TryRemove(clientId, out _);
}
