namespace CityOps.Grains.Devices;

/// <summary>
/// How many unknown devices this silo may auto-provision: a token bucket (<see cref="DevicesOptions.AutoProvisionBurst"/>
/// at once, refilled at <see cref="DevicesOptions.AutoProvisionPerSecond"/>) and a total
/// (<see cref="DevicesOptions.MaxAutoProvisioned"/> since the silo started). Without it one anonymous client inventing
/// device ids made 50,000 devices in 7 s. Devices registered through the API never pass here.
/// </summary>
public sealed class AutoProvisionGate(IOptions<DevicesOptions> options, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time)
{
    private readonly Lock _lock = new();
    private double _tokens = double.NaN; // NaN until the first call: the bucket starts full
    private long _refilledAt;
    private int _admitted;

    /// <summary>Devices auto-provisioned by this silo since it started.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Takes one place for a new device; null when admitted, else the reason it was refused.</summary>
    public string? TryAdmit()
    {
        var o = options.Value;
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_admitted >= o.MaxAutoProvisioned)
            {
                return AutoProvisionRefusals.Total;
            }

            _tokens = double.IsNaN(_tokens)
                ? o.AutoProvisionBurst
                : Math.Min(o.AutoProvisionBurst, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * o.AutoProvisionPerSecond);
            _refilledAt = now;
            if (_tokens < 1)
            {
                return AutoProvisionRefusals.Rate;
            }

            _tokens--;
            _admitted++;
            return null;
        }
    }
}
