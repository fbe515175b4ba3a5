using System.Collections.Immutable;
using CityOps.Grains.Storage;

namespace CityOps.Grains.Devices;

// Who the device is: its registration (by the API, or auto-provisioned by its first reading), its secret, and the tuning
// its attributes give its rules. A reading under another kind than the registered one is refused.
public sealed partial class DeviceGrain
{
    public Task<DeviceSnapshot> Register(DeviceRegistration registration) => this.Guard(RegisterUnguarded(registration));

    private async Task<DeviceSnapshot> RegisterUnguarded(DeviceRegistration registration)
    {
        S.Registration = registration with { SecretHash = registration.SecretHash ?? S.Registration?.SecretHash };
        S.AutoProvisioned = false;
        if (registration.Lat is not null && registration.Lon is not null && (S.Registration.Kind != "vehicle" || S.Lat is null))
        {
            S.Lat = registration.Lat;
            S.Lon = registration.Lon;
        }

        await SyncRules();
        Tune();
        Locate(force: true);
        await Persist();
        var snapshot = Snapshot();
        await services.Directory.UpsertAsync(snapshot);
        Watch();
        return snapshot;
    }

    public Task<DeviceSnapshot?> Get()
    {
        if (S.Registration is null)
        {
            return Task.FromResult<DeviceSnapshot?>(null);
        }

        Locate(force: false);
        return Task.FromResult<DeviceSnapshot?>(Snapshot());
    }

    public Task<bool> VerifySecret(string secret)
    {
        if (S.Registration is null)
        {
            // Someone tried a device id that does not exist: do not keep a grain for it.
            DeactivateOnIdle();
            return Task.FromResult(false);
        }

        return Task.FromResult(S.Registration.SecretHash is { } hash && DeviceSecrets.Verify(secret, hash));
    }

    // An unknown device is registered by its first reading (auto-provisioning); a reading under another kind is refused.
    private bool Admit(Reading reading, ref bool directoryChanged)
    {
        if (S.Registration is null)
        {
            if (!services.Options.AutoProvision)
            {
                Refused("unregistered");
                return false;
            }

            if (services.Provisioning.TryAdmit() is { } limit)
            {
                Refused(limit);
                DeactivateOnIdle(); // refused: no grain is kept for it
                return false;
            }

            S.Registration = new DeviceRegistration(reading.Kind, null, null, null, null, ImmutableDictionary<string, string>.Empty, null);
            S.AutoProvisioned = true;
            _dirty = directoryChanged = true;
            LogAutoProvisioned(services.Logger, Id, reading.Kind);
        }
        else if (S.Registration.Kind != reading.Kind)
        {
            Refused("wrong_kind");
            LogWrongKind(services.Logger, Id, reading.Kind, S.Registration.Kind);
            return false;
        }

        return true;
    }

    private void Refused(string reason)
    {
        _refusedReason = reason;
        CityOpsMetrics.ReadingsRefused.WithLabels(reason).Inc();
        CityOpsMetrics.ReadingsNotJudged.WithLabels(reason).Inc();
    }

    // The device's own thresholds and numeric attributes (DeviceTuning).
    private void Tune()
    {
        if (S.Registration is not { } registration)
        {
            return;
        }

        List<string>? problems = registration.Attributes.Count == 0 ? null : [];
        Judge.Tune(registration.Attributes, problems);
        foreach (var problem in problems ?? [])
        {
            LogBadTuning(services.Logger, Id, problem);
        }
    }
}
