namespace CityOps.Grains.Storage;

/// <summary>
/// A grain whose write failed for want of storage has state in memory that the store does not have.
/// Deactivating it makes the retry start from what is durable, so the retried readings are judged
/// (and the case filed) again instead of being taken for redeliveries of something never saved.
/// The grains that write (device, case, incident) run each call that may write through <see cref="Guard{T}"/>, or on the
/// device's ingest path catch in place and call <see cref="Deactivate"/>: a silo-wide incoming call filter would put every
/// grain call through Orleans' filtered invoker (an invoker and two state machines more per call).
/// </summary>
public static class StorageFailure
{
    private static readonly DeactivationReason Reason = new(DeactivationReasonCode.ApplicationError, "store cannot be written");

    /// <summary>The grain's call, deactivating the grain when it failed for want of storage.</summary>
    public static async Task<T> Guard<T>(this IGrainBase grain, Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (Exception ex) when (StorageUnavailableException.Caused(ex))
        {
            grain.Deactivate();
            throw;
        }
    }

    /// <inheritdoc cref="Guard{T}"/>
    public static async Task Guard(this IGrainBase grain, Task call)
    {
        try
        {
            await call;
        }
        catch (Exception ex) when (StorageUnavailableException.Caused(ex))
        {
            grain.Deactivate();
            throw;
        }
    }

    /// <summary>
    /// Whether the grain is being deactivated by <see cref="Deactivate"/>: what it holds in memory then was never stored and
    /// must not be written on the way out (storage may be back by then), or the retry would take it for what is durable.
    /// </summary>
    public static bool Caused(DeactivationReason reason) =>
        reason.ReasonCode == Reason.ReasonCode && reason.Description == Reason.Description;

    /// <summary>Deactivates the grain after a call failed for want of storage.</summary>
    public static void Deactivate(this IGrainBase grain) => grain.GrainContext.Deactivate(Reason);
}
