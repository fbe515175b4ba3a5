namespace CityOps.Grains.Storage;

/// <summary>
/// The registry index across all devices, for listing and for waking device grains at start-up.
/// Each device grain writes its own row when registry data, grid or liveness change (not per reading).
/// </summary>
public interface IDeviceDirectory
{
    Task UpsertAsync(DeviceSnapshot device);

    Task<Page<DeviceSnapshot>> QueryAsync(DeviceQuery query);

    Task<IReadOnlyList<string>> AllIdsAsync();

    /// <summary>
    /// The devices whose <c>parent</c> attribute names <paramref name="parentId"/> (a cabinet's lamps), in id order, at most
    /// <paramref name="limit"/>: the children a root-cause alarm suppresses (an indexed column, not a scan of the bodies).
    /// </summary>
    Task<IReadOnlyList<string>> ChildrenOfAsync(string parentId, int limit);
}
