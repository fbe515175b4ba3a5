using CityOps.Grains;

namespace CityOps.Api.Endpoints;

/// <summary>
/// The <c>parent</c> attribute (root-cause suppression, CONTRACT §8): the parent must be a registered device, and following
/// parents from it must never come back to the device (a cabinet's lamps, not a ring).
/// </summary>
internal static class DeviceParents
{
    public const string Attribute = "parent";

    /// <summary>How long a chain of parents may be (a pump station → its gauges is two).</summary>
    public const int MaxDepth = 16;

    /// <summary>Why <paramref name="parent"/> cannot be the parent of <paramref name="id"/>; null when it can.</summary>
    public static async Task<string?> ProblemAsync(string id, string parent, IGrainFactory grains)
    {
        if (parent == id)
        {
            return "a device cannot be its own parent";
        }

        if (!DeviceValidation.IsDeviceId(parent))
        {
            return $"'{parent}' is not a device id";
        }

        var chain = new List<string> { id, parent };
        var current = parent;
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            if (await grains.GetGrain<IDeviceGrain>(current).Get() is not { } device)
            {
                return depth == 0 ? $"no device '{parent}'; register the parent first" : null;
            }

            if (device.Attributes.GetValueOrDefault(Attribute) is not { Length: > 0 } next)
            {
                return null;
            }

            chain.Add(next);
            if (next == id)
            {
                return $"parent '{parent}' would make a cycle: {string.Join(" → ", chain)}";
            }

            current = next;
        }

        return $"the chain of parents from '{parent}' is deeper than {MaxDepth}";
    }
}
