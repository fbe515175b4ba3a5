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

    /// <summary>Whether a device exists, and its own parent if it has one.</summary>
    public readonly record struct Link(bool Exists, string? Parent);

    public static Link LinkOf(DeviceSnapshot? device) => new(device is not null, device?.Attributes.GetValueOrDefault(Attribute));

    /// <summary>Why <paramref name="parent"/> cannot be the parent of <paramref name="id"/> in the registry; null when it can.</summary>
    public static Task<string?> ProblemAsync(string id, string parent, IGrainFactory grains) =>
        ProblemAsync(id, parent, async d => LinkOf(await grains.GetGrain<IDeviceGrain>(d).Get()));

    /// <summary>Why <paramref name="parent"/> cannot be the parent of <paramref name="id"/>, devices looked up by <paramref name="lookup"/>; null when it can.</summary>
    public static async Task<string?> ProblemAsync(string id, string parent, Func<string, Task<Link>> lookup)
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
            var link = await lookup(current);
            if (!link.Exists)
            {
                return depth == 0 ? $"no device '{parent}'; register the parent first" : null;
            }

            if (link.Parent is not { Length: > 0 } next)
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
