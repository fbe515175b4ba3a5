namespace CityOps.Grains.Storage;

/// <summary>
/// A grain whose write failed for want of storage has state in memory that the store does not have.
/// Deactivating it makes the retry start from what is durable, so the retried readings are judged
/// (and the case filed) again instead of being taken for redeliveries of something never saved.
/// </summary>
public sealed class StorageFailureFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (StorageUnavailableException.Caused(ex))
        {
            context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "local store cannot be written"));
            throw;
        }
    }
}
