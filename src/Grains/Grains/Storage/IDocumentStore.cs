namespace CityOps.Grains.Storage;

/// <summary>What every store of grain-owned documents (cases, alarms, incidents) answers: one by id, and a quiet save.</summary>
public interface IDocumentStore<T>
    where T : class
{
    Task<T?> FindAsync(string id);

    /// <summary>Saves a change no one is told about (a new value between announced changes).</summary>
    Task SaveAsync(T document);
}
