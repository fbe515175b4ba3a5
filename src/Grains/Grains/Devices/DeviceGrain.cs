using System.Collections.Immutable;
using CityOps.Grains.Storage;
using CityOps.Rules;
using Orleans.Storage;

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
public sealed partial class DeviceGrain(DeviceServices services) : Grain, IDeviceGrain
{
    // The persisted state, read and written through the silo's grain storage by the grain itself (DeviceServices.Storage):
    // Orleans' [PersistentState] facet cost ≈ 400 B more per activation (its bridge, a lock, a lifecycle and a migration
    // participant list), 400 MB on a silo of a million devices. Same storage, state name, key and format as the facet's.
    private readonly GrainState<DeviceState> _state = new();
    private DeviceJudge? _judge; // made when the device's kind is known
    private bool _dirty;
    private bool _softDirty;
    private bool _warnedAhead; // once per activation: a device stamping ahead would flood the log otherwise
    private DateTimeOffset _softPersistedAt;
    private Dictionary<string, DateTimeOffset>? _alarmSavedAt; // made by the first value-only alarm save: most devices never have one
    private string? _refusedReason; // of the last reading refused in the batch being ingested
    private bool _unsettled; // a call failed midway: an alarm's case or incident may not have heard of it yet
    private string? _id;

    private DeviceState S => _state.State!;

    private string Id => _id ??= this.GetPrimaryKeyString(); // Orleans makes a new string on every call

    private ImmutableArray<Rule> Rules => _judge?.Rules ?? [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await services.Storage.ReadStateAsync(DeviceServices.StateName, this.GetGrainId(), _state);
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

        services.Local.Add(Id, this);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _turn.Take(); // after a turn the dispatcher started, and none after this one
        _gone = true;
        services.Local.Remove(Id, this);
        services.WatchList.Remove(Id);
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
        catch (Exception ex) when (StorageUnavailableException.Caused(ex) || ex is InconsistentStateException)
        {
            // In place of StorageFailure.Guard (this is the hot path, and a ValueTask), and of Orleans' own deactivation after
            // a write another activation made stale, which a turn the dispatcher started does not pass through: what this
            // activation holds is not what is stored, and nothing (a case refiled when it settles) may come of it. No turn
            // starts here again.
            _gone = true;
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
            var now = services.Time.GetUtcNow();
            S.LastSeen = now;
            _softDirty = true;
            directoryChanged |= !S.Online;
            S.Online = true;
            var order = DeviceJudge.Order(reading.TimestampMs, reading.Seq, S.LastEvaluatedMs, S.LastSeq, now.ToUnixTimeMilliseconds(), services.Options.FutureTolerance);
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
            placements.Add(placement = S.Place(reading, judged, services.Zones.Current, placement));
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
                if (!S.RememberLast(metric.Name, metric.Value, services.Options.MaxMetricsPerDevice))
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
            await services.Directory.UpsertAsync(Snapshot());
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
        var now = services.Time.GetUtcNow();
        var phantom = S.IsPhantom(services.Options.OfflineCaseAfterReadings);
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
            await services.Directory.UpsertAsync(Snapshot());
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
            LogAhead(services.Logger, Id, reading.Timestamp);
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

        var current = services.Rules.Current;
        var judge = Judge;
        var previous = judge.RuleSet;
        judge.UseRules(current);
        Tune();
        judge.MoveTo(S.Lat, S.Lon);
        var now = services.Time.GetUtcNow();
        _dirty |= await services.Filer.Revise(S, judge, previous, now, (ruleId, record, note) =>
            record.AlarmId is null ? Task.CompletedTask : AnnounceCleared(ruleId, record, now, note));
    }

    private bool RulesOutdated => S.Registration is not null && !ReferenceEquals(services.Rules.Current, Judge.RuleSet);

    // One judge per device and kind.
    private DeviceJudge Judge => _judge is { } judge && judge.Kind == S.Registration!.Kind ? judge : _judge = DeviceJudge.ForKind(services.Rules.Current.Kinds.Get(S.Registration!.Kind), services.Zones, _judge);

    // Grid and unit from the position (again when it or the zone map changed); true when they changed.
    private bool Locate(bool force)
    {
        var changed = S.Locate(services.Zones.Current, force);
        _dirty |= changed;
        return changed;
    }

    private async Task Persist()
    {
        if (_judge is not null)
        {
            S.KeepAlarms(_judge);
        }

        await services.Storage.WriteStateAsync(DeviceServices.StateName, this.GetGrainId(), _state);
        _dirty = _softDirty = false;
        _softPersistedAt = services.Time.GetUtcNow();
    }

    private DeviceSnapshot Snapshot() => S.Snapshot(Id, IsOnline(services.Time.GetUtcNow()));
}
