using System.Collections.Immutable;
using CityOps.Grains.Alarms;
using CityOps.Grains.RuleSets;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using CityOps.Rules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.Grains.Devices;

/// <summary>
/// One sensor or device. Readings arrive in order (the grain is not reentrant), are judged by its
/// <see cref="DeviceJudge"/> (the same the backtest uses), and may file or update a case through the
/// <see cref="DeviceCaseFiler"/>. Alarm state is written before a case is filed, so a crash at any point leaves
/// either no alarm or an alarm whose case is filed again (idempotently) on reactivation: never two cases for one alarm.
/// Liveness and last metrics are written lazily, by the silo's <see cref="DeviceSweeper"/>: losing them in a
/// crash loses no alarm, and the next reading restores them. Time-based checks (offline rules, the online
/// flag, escalation and reminders: DeviceGrain.Clock.cs) need no timer per grain: the grain tells the silo's
/// <see cref="DeviceWatchList"/> when it is next due.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed partial class DeviceGrain(
    [PersistentState("device", "cityops")] IPersistentState<DeviceState> state,
    RuleCatalog rules,
    ZoneMap zones,
    IDeviceDirectory directory,
    DeviceWatchList watch,
    LocalDevices local,
    DeviceCaseFiler filer,
    AlarmDesk desk,
    AutoProvisionGate provisioning,
    IOptions<DevicesOptions> options,
    [FromKeyedServices(CityOpsTime.Key)] TimeProvider time,
    ILogger<DeviceGrain> logger) : Grain, IDeviceGrain
{
    private DeviceJudge? _judge; // made when the device's kind is known
    private bool _dirty;
    private bool _softDirty;
    private bool _warnedAhead; // once per activation: a device stamping ahead would flood the log otherwise
    private DateTimeOffset _softPersistedAt;
    private Dictionary<string, DateTimeOffset>? _alarmSavedAt; // made by the first value-only alarm save: most devices never have one
    private string? _refusedReason; // of the last reading refused in the batch being ingested
    private bool _unsettled; // a call failed midway: an alarm's case or incident may not have heard of it yet
    private string? _id;
    private DeviceState? _s; // Orleans' state wrapper may be read only in the grain's context; the state itself by its turn

    private DeviceState S => _s ??= state.State;

    private string Id => _id ??= this.GetPrimaryKeyString(); // Orleans makes a new string on every call

    private ImmutableArray<Rule> Rules => _judge?.Rules ?? [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Registration is not null)
        {
            foreach (var (ruleId, record) in S.Alarms)
            {
                Judge.Restore(ruleId, record.ToState());
            }

            await SyncRules();
            await RejoinIncidents();
            await RefileUnconfirmedCases();
            Watch();
        }

        local.Add(Id, this);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _turn.Take(); // after a turn the dispatcher started, and none after this one
        _gone = true;
        local.Remove(Id, this);
        watch.Remove(Id);
        if ((_dirty || _softDirty) && S.Registration is not null && !StorageFailure.Caused(reason))
        {
            await Persist();
        }
    }

    public async ValueTask<IngestResult> Ingest(ImmutableArray<Reading> readings)
    {
        try
        {
            if (_unsettled)
            {
                await ToGrainContext();
                await Settle();
            }

            _unsettled = true;
            try
            {
                var result = await JudgeReadings(readings);
                _unsettled = false;
                return result;
            }
            finally
            {
                Watch();
            }
        }
        catch (Exception ex) when (StorageUnavailableException.Caused(ex))
        {
            // In place of StorageFailure.Guard: this is the hot path, and a ValueTask.
            this.Deactivate();
            throw;
        }
    }

    private async Task<IngestResult> JudgeReadings(ImmutableArray<Reading> readings)
    {
        int accepted = 0, evaluated = 0, duplicates = 0, ahead = 0;
        var directoryChanged = false;
        var placements = ImmutableArray.CreateBuilder<ReadingPlacement?>(readings.Length);
        ReadingPlacement? placement = null;
        foreach (var reading in readings)
        {
            if (!Admit(reading, ref directoryChanged))
            {
                placements.Add(null);
                continue;
            }

            accepted++;
            S.ReadingsAccepted = S.ReadingsAccepted == int.MaxValue ? int.MaxValue : S.ReadingsAccepted + 1;
            if (RulesOutdated)
            {
                await ToGrainContext();
                await SyncRules();
            }

            var judge = Judge;
            var ruleList = judge.Rules;
            var now = time.GetUtcNow();
            S.LastSeen = now;
            _softDirty = true;
            directoryChanged |= !S.Online;
            S.Online = true;
            var order = DeviceJudge.Order(reading.TimestampMs, reading.Seq, S.LastEvaluatedMs, S.LastSeq, now.ToUnixTimeMilliseconds(), options.Value.FutureTolerance);
            for (var i = 0; i < ruleList.Length; i++)
            {
                if (judge.Arrived(i, order == ReadingOrder.Ahead ? now : reading.Timestamp, out var change, out var alarm))
                {
                    await ToGrainContext();
                    await Handle(ruleList[i], change, alarm);
                }
            }

            var judged = order == ReadingOrder.Next;
            if (judged && reading.Lat is { } lat && reading.Lon is { } lon)
            {
                (S.Lat, S.Lon) = (lat, lon);
                directoryChanged |= Locate(force: true);
            }

            // Every accepted reading is stored, those not judged included (a redelivery overwrites its own point).
            placements.Add(placement = S.Place(reading, judged, zones.Current, placement));
            if (!judged)
            {
                duplicates += order is ReadingOrder.Redelivered or ReadingOrder.Late ? 1 : 0;
                ahead += order == ReadingOrder.Ahead ? 1 : 0;
                NotJudged(order, reading);
                continue;
            }

            evaluated++;
            (S.LastEvaluatedMs, S.LastSeq) = (reading.TimestampMs, reading.Seq);
            judge.MoveTo(S.Lat, S.Lon);
            judge.Begin(reading.Timestamp);
            foreach (var metric in reading.Metrics)
            {
                if (!S.RememberLast(metric.Name, metric.Value, options.Value.MaxMetricsPerDevice))
                {
                    CityOpsMetrics.MetricNamesDropped.Inc();
                }

                judge.Set(metric.Name, metric.Value);
            }

            judge.Remember();
            for (var i = 0; i < ruleList.Length; i++)
            {
                if (judge.Evaluate(i, out var change, out var alarm, out var phaseChanged))
                {
                    _dirty |= phaseChanged;
                    await ToGrainContext();
                    await Handle(ruleList[i], change, alarm);
                }
            }
        }

        CityOpsMetrics.ReadingsEvaluated.Inc(evaluated);
        if (S.Registration is not null && S.Flaps is { Count: > 0 })
        {
            await ToGrainContext();
            await EndQuietFlapping();
        }

        directoryChanged |= Locate(force: false);
        if (_dirty || directoryChanged)
        {
            await ToGrainContext();
            await Persist();
        }

        if (directoryChanged)
        {
            await directory.UpsertAsync(Snapshot());
        }

        var refusedReason = _refusedReason;
        _refusedReason = null;
        return new IngestResult(accepted, evaluated, duplicates, readings.Length - accepted, placements.MoveToImmutable(), ahead, refusedReason);
    }

    public Task CheckOffline() => this.Guard(CheckOfflineUnguarded());

    private async Task CheckOfflineUnguarded()
    {
        if (S.Registration is null)
        {
            return;
        }

        await Settle();
        await SyncRules();
        var judge = Judge;
        var ruleList = judge.Rules;
        var now = time.GetUtcNow();
        var phantom = S.IsPhantom(options.Value.OfflineCaseAfterReadings);
        for (var i = 0; i < ruleList.Length && !phantom; i++)
        {
            if (judge.CheckOffline(i, S.LastSeen, now, out var change, out var alarm))
            {
                await Handle(ruleList[i], change, alarm);
            }
        }

        await EndQuietFlapping();
        await EndSilences();
        await RunAlarmClock();
        var online = IsOnline(now);
        if (online != S.Online)
        {
            S.Online = online;
            _dirty = true;
            await directory.UpsertAsync(Snapshot());
        }

        // Liveness and last metrics alone are written every few minutes, not on every tick: a city of a million
        // devices would otherwise rewrite every device's state every minute for nothing an alarm depends on.
        if (_dirty || (_softDirty && now - _softPersistedAt >= SoftPersistEvery()))
        {
            await Persist();
        }

        Watch();
    }

    private void NotJudged(ReadingOrder order, Reading reading)
    {
        CityOpsMetrics.ReadingsNotJudged.WithLabels(order switch
        {
            ReadingOrder.Redelivered => "redelivered",
            ReadingOrder.Late => "late",
            _ => "future",
        }).Inc();
        if (order == ReadingOrder.Ahead && !_warnedAhead)
        {
            _warnedAhead = true;
            LogAhead(logger, Id, reading.Timestamp);
        }
    }

    // A new rule set version keeps the alarm state of rules that still apply. An alarm of a rule that was removed, or
    // changed so that the last reading no longer breaches it, ends with a note on its case; a pending one starts over.
    private async Task SyncRules()
    {
        if (!RulesOutdated)
        {
            return;
        }

        var current = rules.Current;
        var judge = Judge;
        var previous = judge.RuleSet;
        judge.UseRules(current);
        Tune();
        judge.MoveTo(S.Lat, S.Lon);
        var now = time.GetUtcNow();
        _dirty |= await filer.Revise(S, judge, previous, now, (ruleId, record, note) =>
            record.AlarmId is null ? Task.CompletedTask : AnnounceCleared(ruleId, record, now, note));
    }

    private bool RulesOutdated => S.Registration is not null && !ReferenceEquals(rules.Current, Judge.RuleSet);

    // One judge per device and kind.
    private DeviceJudge Judge => _judge is { } judge && judge.Kind == S.Registration!.Kind ? judge : _judge = DeviceJudge.ForKind(rules.Current.Kinds.Get(S.Registration!.Kind), zones, _judge);

    // Grid and unit from the position (again when it or the zone map changed); true when they changed.
    private bool Locate(bool force)
    {
        var changed = S.Locate(zones.Current, force);
        _dirty |= changed;
        return changed;
    }

    private async Task Persist()
    {
        if (_judge is not null)
        {
            S.KeepAlarms(_judge);
        }

        await state.WriteStateAsync();
        _dirty = _softDirty = false;
        _softPersistedAt = time.GetUtcNow();
    }

    private DeviceSnapshot Snapshot() => S.Snapshot(Id, IsOnline(time.GetUtcNow()));
}
