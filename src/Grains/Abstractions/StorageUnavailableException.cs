namespace CityOps.Grains;

/// <summary>
/// The node's durable store cannot be written (disk full, read-only, I/O error). Nothing was lost:
/// the change was not made, and the caller should retry later rather than give up on the readings.
/// </summary>
[GenerateSerializer, Alias("cityops.storage-unavailable")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    /// <summary>True when the failure was, at any depth, the store being unwritable (Orleans wraps storage errors).</summary>
    public static bool Caused(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is StorageUnavailableException)
            {
                return true;
            }
        }

        return false;
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
