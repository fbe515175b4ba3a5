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
    private readonly Dictionary<string, DateTimeOffset> _alarmSavedAt = new(StringComparer.Ordinal);
    private string? _refusedReason; // of the last reading refused in the batch being ingested

    private DeviceState S => state.State;

    private string Id => this.GetPrimaryKeyString();

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
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        watch.Remove(Id);
        if ((_dirty || _softDirty) && S.Registration is not null)
        {
            await Persist();
        }
    }

    public async Task<IngestResult> Ingest(ImmutableArray<Reading> readings)
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
            await SyncRules();
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
                    await Handle(ruleList[i], change, alarm);
                }
            }
        }

        CityOpsMetrics.ReadingsEvaluated.Inc(evaluated);
        if (S.Registration is not null)
        {
            await EndQuietFlapping();
        }

        directoryChanged |= Locate(force: false);
        if (_dirty || directoryChanged)
        {
            await Persist();
        }

        if (directoryChanged)
        {
            await directory.UpsertAsync(Snapshot());
        }

        Watch();
        var refusedReason = _refusedReason;
        _refusedReason = null;
        return new IngestResult(accepted, evaluated, duplicates, readings.Length - accepted, placements.MoveToImmutable(), ahead, refusedReason);
    }

    public async Task<DeviceSnapshot> Register(DeviceRegistration registration)
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
        await directory.UpsertAsync(snapshot);
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

    public async Task CheckOffline()
    {
        if (S.Registration is null)
        {
            return;
        }

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

    // An unknown device is registered by its first reading (auto-provisioning); a reading under another kind is refused.
    private bool Admit(Reading reading, ref bool directoryChanged)
    {
        if (S.Registration is null)
        {
            if (!options.Value.AutoProvision)
            {
                Refused("unregistered");
                return false;
            }

            if (provisioning.TryAdmit() is { } limit)
            {
                Refused(limit);
                DeactivateOnIdle(); // refused: no grain is kept for it
                return false;
            }

            S.Registration = new DeviceRegistration(reading.Kind, null, null, null, null, ImmutableDictionary<string, string>.Empty, null);
            S.AutoProvisioned = true;
            _dirty = directoryChanged = true;
            LogAutoProvisioned(logger, Id, reading.Kind);
        }
        else if (S.Registration.Kind != reading.Kind)
        {
            Refused("wrong_kind");
            LogWrongKind(logger, Id, reading.Kind, S.Registration.Kind);
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

    // At most 10 minutes, and at most half the shortest offline window, so a restart cannot make a live device look silent.
    private TimeSpan SoftPersistEvery()
    {
        var every = TimeSpan.FromMinutes(10);
        foreach (var rule in Rules)
        {
            if (rule.IsOffline && rule.Offline!.Value / 2 < every)
            {
                every = rule.Offline.Value / 2;
            }
        }

        return every;
    }

    // What a change means for the alarm and its case. A new alarm is persisted before it is stored or filed, and its case id
    // before the case is filed, so a crash anywhere leaves nothing that reactivation does not finish.
    private async Task Handle(Rule rule, AlarmChange change, AlarmState alarm)
    {
        S.Alarms.TryGetValue(rule.Id, out var record);
        record?.Refresh(alarm, rule.Definition);
        switch (change.Kind)
        {
            case AlarmChangeKind.None:
                return;
            case AlarmChangeKind.Pending:
                _dirty = true;
                return;
            case AlarmChangeKind.Raised:
                var flap = NoteFlap(rule, change.At);
                if (flap is { Held: { } held })
                {
                    // Flapping: the held alarm comes back (no new alarm, case or notification); its case hears of it.
                    flap.Held = null;
                    held.Refresh(alarm, rule.Definition);
                    S.Alarms[rule.Id] = held;
                    if (held.CaseId is { } heldCase)
                    {
                        await filer.Changed(heldCase, change, alarm);
                    }

                    await desk.SaveValue(AlarmDesk.Snapshot(Id, S, rule.Id, held, change.At));
                    _dirty = true;
                    return;
                }

                var intake = await filer.Decide(Id, S, rule, change.At);
                var suppressedBy = intake.SilencedBy ?? SuppressingFault(rule) ?? await InhibitedBy(rule);
                var raised = desk.Raise(Id, rule, alarm, S, change.At, suppressedBy);
                // A rule that starts flapping with this raise: the alarm is marked flapping and files nothing until quiet.
                raised.Flapping = flap is not null;
                var fileNow = suppressedBy is null && !raised.Flapping && rule.FilesAt(alarm.Severity);
                if (fileNow)
                {
                    // The alarm of a case reported handled came back: that case is reworked, not a new one filed.
                    raised.CaseId = intake.ReopenCaseId ?? DeviceCaseFiler.NewCaseId(change.At);
                }

                S.Alarms[rule.Id] = raised;
                await Persist();
                await Announce(rule.Id, raised, AlarmEvents.Raised, change.At);
                await SuppressEarlier(rule, raised, change.At);
                if (await ReportIncident(rule, raised, change.At))
                {
                    // A member of an incident: the incident files one case for all (DeviceGrain.Incidents.cs).
                    _dirty = true;
                    return;
                }

                if (fileNow)
                {
                    await FileAlarm(rule, alarm, raised, change.At, "rule:" + rule.Id);
                }

                _dirty = true;
                return;
            case AlarmChangeKind.Escalated or AlarmChangeKind.Updated when record is not null:
                if (record.CaseId is { } openCase && !record.CaseOfIncident && record.SuppressedBy is null)
                {
                    await filer.Changed(openCase, change, alarm);
                }

                if (change.Kind == AlarmChangeKind.Escalated && record.AlarmId is not null && !record.Flapping)
                {
                    var from = record.History.LastOrDefault(h => h.To is not null && h.Type is "raised" or "severity")?.To;
                    AlarmDesk.Note(record, new AlarmEntry(change.At, "severity", from, SeverityNames.ToName(alarm.Severity), "rule:" + rule.Id,
                        "value " + change.Value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)));
                    var crossesFileFrom = record.CaseId is null && record.IncidentId is null && record.Disposition == AlarmDisposition.Pending && record.SuppressedBy is null && rule.FilesAt(alarm.Severity);
                    if (crossesFileFrom)
                    {
                        record.CaseId = DeviceCaseFiler.NewCaseId(change.At);
                    }

                    await Persist();
                    await Announce(rule.Id, record, AlarmEvents.Updated, change.At);
                    if (await ReportIncident(rule, record, change.At) && record.CaseOfIncident)
                    {
                        crossesFileFrom = false; // the incident took the alarm's case as its own and filed it
                    }

                    if (crossesFileFrom)
                    {
                        // Escalated across the rule's fileFrom: the alarm that waited for confirmation files now.
                        await FileAlarm(rule, alarm, record, change.At, "rule:" + rule.Id);
                    }
                }
                else if (record.AlarmId is not null && (record.Flapping || (time.GetUtcNow() is var now && now - _alarmSavedAt.GetValueOrDefault(record.AlarmId) >= AlarmDesk.ValueSaveInterval)))
                {
                    // A storm updates every alarm on every reading: value-only changes reach the store every few seconds.
                    _alarmSavedAt[record.AlarmId] = time.GetUtcNow();
                    await desk.SaveValue(AlarmDesk.Snapshot(Id, S, rule.Id, record, change.At));
                }

                _dirty |= change.Kind == AlarmChangeKind.Escalated;
                return;
            case AlarmChangeKind.Cleared:
                if (record is not null && !await LeaveIncident(rule.Id, record, change.At) && record.CaseId is { } clearedCase)
                {
                    await filer.Cleared(clearedCase, rule, change, alarm);
                }

                if (record?.AlarmId is not null && NoteFlap(rule, change.At) is { } flapping)
                {
                    // Flapping: the alarm is held, not cleared; starting to flap is told once, later changes not at all.
                    flapping.Held = record;
                    if (!record.Flapping)
                    {
                        record.Flapping = true;
                        AlarmDesk.Note(record, new AlarmEntry(change.At, "flapping", null, null, "rule:" + rule.Id,
                            $"{rule.Flapping!.Changes} changes within {Durations.Format(rule.Flapping.Within)}"));
                        await Announce(rule.Id, record, AlarmEvents.Updated, change.At);
                    }
                }
                else if (record?.AlarmId is not null)
                {
                    await AnnounceCleared(rule.Id, record, change.At, "alarm cleared");
                }

                S.Alarms.Remove(rule.Id);
                _judge?.Forget(rule.Id);
                _dirty = true;
                return;
        }
    }

    // After a crash between persisting an alarm and filing its case, file it now (File is idempotent).
    // Also stores the alarms whose raising was not yet stored, first, so the stream tells raised before filed.
    private async Task RefileUnconfirmedCases()
    {
        var now = time.GetUtcNow();
        foreach (var (ruleId, record) in S.Alarms)
        {
            if (record.AlarmId is not null && !record.Announced)
            {
                await Announce(ruleId, record, AlarmEvents.Raised, record.RaisedAt ?? now);
            }
        }

        var unfiled = S.Alarms.Where(a => a.Value.CaseId is not null && !a.Value.CaseFiled).Select(a => a.Key).ToList();
        if (await filer.Refile(Id, S, Judge, now) || _dirty)
        {
            foreach (var ruleId in unfiled)
            {
                if (S.Alarms[ruleId] is { CaseFiled: true, AlarmId: not null } filed && filed.Disposition != AlarmDisposition.Filed)
                {
                    filed.Disposition = AlarmDisposition.Filed;
                    AlarmDesk.Note(filed, new AlarmEntry(now, "filed", "pending", "filed", "rule:" + ruleId, "case " + filed.CaseId));
                    await desk.Announce(AlarmDesk.Snapshot(Id, S, ruleId, filed, now), AlarmEvents.Filed, now);
                }
            }

            await Persist();
        }
    }

    // A new rule set version keeps the alarm state of rules that still apply. An alarm of a rule that was removed, or
    // changed so that the last reading no longer breaches it, ends with a note on its case; a pending one starts over.
    private async Task SyncRules()
    {
        var current = rules.Current;
        if (S.Registration is null || ReferenceEquals(current, Judge.RuleSet))
        {
            return;
        }

        var judge = Judge;
        var previous = judge.RuleSet;
        judge.UseRules(current);
        Tune();
        judge.MoveTo(S.Lat, S.Lon);
        var now = time.GetUtcNow();
        _dirty |= await filer.Revise(S, judge, previous, now, (ruleId, record, note) =>
            record.AlarmId is null ? Task.CompletedTask : AnnounceCleared(ruleId, record, now, note));
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
            LogBadTuning(logger, Id, problem);
        }
    }

    // One judge per device and kind.
    private DeviceJudge Judge => _judge is { } judge && judge.Kind == S.Registration!.Kind ? judge : _judge = DeviceJudge.ForKind(rules.Current.Kinds.Get(S.Registration!.Kind), zones, _judge);

    // Tells the silo's sweeper when time alone may next change something here: an offline window ending,
    // the online flag turning, liveness waiting to be persisted.
    private void Watch()
    {
        if (S.Registration is null)
        {
            return;
        }

        var due = DateTimeOffset.MaxValue;
        if (S.LastSeen is { } seen)
        {
            // A phantom is not judged offline (CheckOffline): its offline window is nothing to wake it for.
            due = S.IsPhantom(options.Value.OfflineCaseAfterReadings) ? due : Judge.OfflineDue(seen) ?? due;
            if (S.Online && seen + OnlineWindow() < due)
            {
                due = seen + OnlineWindow();
            }
        }

        foreach (var (ruleId, flap) in S.Flaps)
        {
            if (Rules.FirstOrDefault(r => r.Id == ruleId)?.Flapping is { } policy && policy.QuietAt(flap.Changes) < due)
            {
                due = policy.QuietAt(flap.Changes);
            }
        }

        if (_softDirty && _softPersistedAt + SoftPersistEvery() < due)
        {
            due = _softPersistedAt + SoftPersistEvery();
        }

        watch.Set(Id, SilenceDue(AlarmClockDue(due)));
    }

    private bool Locate(bool force)
    {
        var changed = S.Locate(zones.Current, force);
        _dirty |= changed;
        return changed;
    }

    private bool IsOnline(DateTimeOffset now) => S.LastSeen is { } seen && now - seen < OnlineWindow();

    private TimeSpan OnlineWindow() => _judge?.OnlineWindow(options.Value.DefaultOfflineAfter) ?? options.Value.DefaultOfflineAfter;

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
