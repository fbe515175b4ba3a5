using System.Collections.Immutable;
using System.Globalization;
using CityOps.Grains.Cases;
using CityOps.Grains.RuleSets;
using CityOps.Grains.Storage;
using CityOps.Grains.Zones;
using CityOps.Rules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.Grains.Devices;

/// <summary>
/// One sensor or device. Readings arrive in order (the grain is not reentrant), are judged by the
/// compiled rules of the device's kind, and may file or update a case. Alarm state is written
/// before a case is filed, so a crash at any point leaves either no alarm or an alarm whose case
/// is filed again (idempotently) on reactivation: never two cases for one alarm.
/// Liveness and last metrics are written lazily, by the silo's <see cref="DeviceSweeper"/>: losing them in a
/// crash loses no alarm, and the next reading restores them. Time-based checks (offline rules, the online
/// flag) need no timer per grain: the grain tells the silo's <see cref="DeviceWatchList"/> when it is next due.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed partial class DeviceGrain(
    [PersistentState("device", "cityops")] IPersistentState<DeviceState> state,
    RuleCatalog rules,
    ZoneMap zones,
    IDeviceDirectory directory,
    DeviceWatchList watch,
    IOptions<DevicesOptions> options,
    [FromKeyedServices(CityOpsTime.Key)] TimeProvider time,
    ILogger<DeviceGrain> logger) : Grain, IDeviceGrain
{
    // The alarm state of rules that are not idle on this device (none: null); an idle rule judges on a spare (AlarmFor).
    private Dictionary<string, AlarmState>? _alarms;

    [ThreadStatic]
    private static AlarmState? t_spare;

    private Dictionary<string, RuleTuning>? _tuning; // only for devices with threshold.* attributes
    private ReadingContext? _reading;
    private RuleSet? _ruleSet;
    private ImmutableArray<Rule> _rules = [];
    private bool _dirty;
    private bool _softDirty;
    private DateTimeOffset _softPersistedAt;

    private DeviceState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var (ruleId, record) in S.Alarms)
        {
            Alarms[ruleId] = record.ToState();
        }

        if (S.Registration is not null)
        {
            await SyncRules();
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
        int accepted = 0, evaluated = 0, duplicates = 0, refused = 0;
        var directoryChanged = false;
        var points = ImmutableArray.CreateBuilder<TelemetryPoint>(readings.Length);
        foreach (var reading in readings)
        {
            if (S.Registration is null)
            {
                if (!options.Value.AutoProvision)
                {
                    refused++;
                    CityOpsMetrics.ReadingsRefused.WithLabels("unregistered").Inc();
                    continue;
                }

                S.Registration = new DeviceRegistration(reading.Kind, null, null, null, null, ImmutableDictionary<string, string>.Empty, null);
                S.AutoProvisioned = true;
                _dirty = directoryChanged = true;
                await SyncRules();
                LogAutoProvisioned(logger, Id, reading.Kind);
            }
            else if (S.Registration.Kind != reading.Kind)
            {
                refused++;
                CityOpsMetrics.ReadingsRefused.WithLabels("wrong_kind").Inc();
                LogWrongKind(logger, Id, reading.Kind, S.Registration.Kind);
                continue;
            }

            accepted++;
            await SyncRules();
            var now = time.GetUtcNow();
            S.LastSeen = now;
            _softDirty = true;
            if (!S.Online)
            {
                S.Online = true;
                directoryChanged = true;
            }

            foreach (var rule in _rules)
            {
                if (rule.IsOffline && AlarmOf(rule.Id) is { } offline)
                {
                    await Handle(rule, RuleEvaluator.ReadingArrived(rule, offline, reading.Timestamp), offline);
                }
            }

            var judged = reading.TimestampMs > S.LastEvaluatedMs || (reading.TimestampMs == S.LastEvaluatedMs && reading.Seq is not null && reading.Seq != S.LastSeq);
            if (judged && reading.Lat is { } lat && reading.Lon is { } lon)
            {
                S.Lat = lat;
                S.Lon = lon;
                directoryChanged |= Locate(force: true);
            }

            // Every accepted reading is stored, redeliveries included (the same point overwrites itself);
            // fixed devices get their registered position so maps can place them.
            points.Add(PointFor(reading, judged));

            if (!judged)
            {
                // Redelivered or late: kept for storage, never judged twice.
                duplicates++;
                continue;
            }

            evaluated++;
            S.LastEvaluatedMs = reading.TimestampMs;
            S.LastSeq = reading.Seq;
            foreach (var metric in reading.Metrics)
            {
                S.Last[metric.Name] = metric.Value;
            }

            var context = Context(reading.Timestamp);
            foreach (var metric in reading.Metrics)
            {
                context.Set(metric.Name, metric.Value);
            }

            context.History.Add(context.At, context.Values);
            foreach (var rule in _rules)
            {
                if (rule.IsOffline)
                {
                    continue;
                }

                var alarm = AlarmFor(rule, out var spare);
                var phase = alarm.Phase;
                var change = RuleEvaluator.Evaluate(rule, alarm, context, TuningOf(rule.Id));
                if (spare && !Adopt(rule, alarm))
                {
                    continue;
                }

                _dirty |= alarm.Phase != phase;
                await Handle(rule, change, alarm);
            }
        }

        CityOpsMetrics.ReadingsEvaluated.Inc(evaluated);
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
        return new IngestResult(accepted, evaluated, duplicates, refused, points.DrainToImmutable());
    }

    public async Task<DeviceSnapshot> Register(DeviceRegistration registration)
    {
        var kindChanged = S.Registration is not null && S.Registration.Kind != registration.Kind;
        S.Registration = registration with { SecretHash = registration.SecretHash ?? S.Registration?.SecretHash };
        S.AutoProvisioned = false;
        if (registration.Lat is not null && registration.Lon is not null && (S.Registration.Kind != "vehicle" || S.Lat is null))
        {
            S.Lat = registration.Lat;
            S.Lon = registration.Lon;
        }

        if (kindChanged)
        {
            _ruleSet = null;
            _reading = null;
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
        var now = time.GetUtcNow();
        foreach (var rule in _rules)
        {
            if (rule.IsOffline)
            {
                var alarm = AlarmFor(rule, out var spare);
                var change = RuleEvaluator.CheckOffline(rule, alarm, S.LastSeen, now, TuningOf(rule.Id)?.Offline);
                if (!spare || Adopt(rule, alarm))
                {
                    await Handle(rule, change, alarm);
                }
            }
        }

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

    // At most 10 minutes, and at most half the shortest offline window, so a restart cannot make a live device look silent.
    private TimeSpan SoftPersistEvery() =>
        _rules.Where(r => r.IsOffline).Select(r => r.Offline!.Value / 2).Append(TimeSpan.FromMinutes(10)).Min();

    private async Task Handle(Rule rule, AlarmChange change, AlarmState alarm)
    {
        S.Alarms.TryGetValue(rule.Id, out var record);
        switch (change.Kind)
        {
            case AlarmChangeKind.None:
                return;
            case AlarmChangeKind.Pending:
                _dirty = true;
                return;
            case AlarmChangeKind.Raised:
                var intake = await ServiceProvider.GetRequiredService<CaseIntake>().DecideAsync(Id, rule.Id, S.Grid, S.Lat, S.Lon, change.At);
                if (intake.SilencedBy is not null)
                {
                    // Silenced (maintenance window): the alarm holds and shows on the device, but raises no case.
                    S.Alarms[rule.Id] = AlarmRecord.From(alarm, null, caseFiled: false, rule.Definition);
                    _dirty = true;
                    return;
                }

                // The alarm of a case reported handled came back: that case is reworked, not a new one filed.
                var caseId = intake.ReopenCaseId ?? NewCaseId(change.At);
                S.Alarms[rule.Id] = AlarmRecord.From(alarm, caseId, caseFiled: false, rule.Definition);
                await Persist();
                await FileCase(rule, alarm, caseId, change.At);
                return;
            case AlarmChangeKind.Escalated or AlarmChangeKind.Updated when record?.CaseId is { } openCase:
                await GrainFactory.GetGrain<ICaseGrain>(openCase).AlarmChanged(new AlarmUpdate(
                    change.At, SeverityNames.ToName(alarm.Severity), change.Value, Active: true,
                    change.Kind == AlarmChangeKind.Escalated ? $"escalated to {SeverityNames.ToName(alarm.Severity)} at {Format(change.Value)}" : null,
                    alarm.Peak));
                _dirty |= change.Kind == AlarmChangeKind.Escalated;
                return;
            case AlarmChangeKind.Cleared:
                if (record?.CaseId is { } clearedCase)
                {
                    await GrainFactory.GetGrain<ICaseGrain>(clearedCase).AlarmChanged(new AlarmUpdate(
                        change.At, SeverityNames.ToName(alarm.Severity), rule.IsOffline ? null : change.Value, Active: false, "alarm cleared", alarm.Peak));
                }

                S.Alarms.Remove(rule.Id);
                _alarms?.Remove(rule.Id);
                _dirty = true;
                return;
        }
    }

    private async Task FileCase(Rule rule, AlarmState alarm, string caseId, DateTimeOffset at)
    {
        var registration = S.Registration!;
        string? Resolve(string name) => name switch
        {
            "value" => Format(alarm.LastValue),
            "peak" => Format(alarm.Peak),
            "severity" => SeverityNames.ToName(alarm.Severity),
            "device.id" => Id,
            "device.name" => registration.Name,
            "device.code" => registration.Code,
            "device.kind" => registration.Kind,
            _ when name.StartsWith("device.", StringComparison.Ordinal) => registration.Attributes.GetValueOrDefault(name["device.".Length..]),
            _ => null,
        };

        var code = rule.Case.RenderCode(Resolve);
        code = string.IsNullOrWhiteSpace(code) ? DefaultCode(registration.Kind) : CaseCodes.Normalize(code);
        var filing = new CaseFiling(
            code, rule.Case.RenderTitle(Resolve), SeverityNames.ToName(alarm.Severity), Id, rule.Id,
            S.Lat, S.Lon, S.Grid, S.Unit, rule.IsOffline ? null : alarm.LastValue, at, "rule:" + rule.Id,
            rule.IsOffline ? "no reading since " + (S.LastSeen?.ToString("O") ?? "registration") : null);
        await GrainFactory.GetGrain<ICaseGrain>(caseId).File(filing);
        S.Alarms[rule.Id].CaseFiled = true;
        _dirty = true;
    }

    // After a crash between persisting an alarm and filing its case, file it now (File is idempotent).
    private async Task RefileUnconfirmedCases()
    {
        foreach (var (ruleId, record) in S.Alarms)
        {
            if (record.CaseId is { } caseId && !record.CaseFiled && _ruleSet?.Find(ruleId) is { } rule)
            {
                await FileCase(rule, Alarms[ruleId], caseId, record.ActiveSince ?? time.GetUtcNow());
            }
        }

        if (_dirty)
        {
            await Persist();
        }
    }

    // Most rules on most devices are idle, so an idle rule keeps no state of its own: it is judged on a spare (one
    // per thread, reset), which becomes the rule's own state (Adopt) only when a reading moves it out of idle. A
    // million devices then hold alarm state only for what is happening. No await may come between the two.
    private AlarmState AlarmFor(Rule rule, out bool spare)
    {
        var alarm = AlarmOf(rule.Id);
        spare = alarm is null;
        if (alarm is null)
        {
            alarm = t_spare ??= new AlarmState();
            alarm.Reset();
        }

        return alarm;
    }

    // True when the spare left idle and is now the rule's state; false when nothing happened to it.
    private bool Adopt(Rule rule, AlarmState alarm)
    {
        if (alarm.Phase == AlarmPhase.Idle && alarm.Matches == 0)
        {
            return false;
        }

        Alarms[rule.Id] = alarm;
        t_spare = null;
        return true;
    }

    // A new rule set version keeps the alarm state of rules that still apply. An alarm of a rule that was removed, or
    // changed so that the last reading no longer breaches it, ends with a note on its case; a pending one starts over.
    private async Task SyncRules()
    {
        var current = rules.Current;
        if (ReferenceEquals(current, _ruleSet) || S.Registration is null)
        {
            return;
        }

        var previous = _ruleSet;
        _ruleSet = current;
        _rules = current.ForKind(S.Registration.Kind);
        var context = Context(DateTimeOffset.FromUnixTimeMilliseconds(S.LastEvaluatedMs));
        context.History.Retention = _rules.Select(r => r.WhereExpression?.RateWindow ?? TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Max();
        Tune();
        foreach (var ruleId in _alarms?.Keys.ToList() ?? [])
        {
            S.Alarms.TryGetValue(ruleId, out var record);
            var judgedBy = record?.RuleDefinition ?? previous?.Find(ruleId)?.Definition;
            string? note = null;
            if (current.Find(ruleId) is not { } rule || rule.Kind != S.Registration.Kind)
            {
                note = $"rule {ruleId} removed in rule set version {current.Version}";
            }
            else if (judgedBy is not null && judgedBy != rule.Definition && Alarms[ruleId] is var alarm)
            {
                if (!alarm.IsActive)
                {
                    alarm.Reset();
                    _dirty = true;
                    continue;
                }

                if (!rule.IsOffline && !StillHolds(rule, context))
                {
                    note = $"rule {ruleId} changed in rule set version {current.Version}; the last reading no longer raises it";
                }
                else
                {
                    _dirty = true;
                    continue;
                }
            }

            if (note is null)
            {
                continue;
            }

            if (record?.CaseId is { } caseId && record.Phase is AlarmPhase.Active or AlarmPhase.Clearing)
            {
                await GrainFactory.GetGrain<ICaseGrain>(caseId).AlarmChanged(new AlarmUpdate(
                    time.GetUtcNow(), SeverityNames.ToName(record.Severity), null, Active: false, note, null));
            }

            _alarms?.Remove(ruleId);
            S.Alarms.Remove(ruleId);
            _dirty = true;
        }
    }

    // Judges the last known values against a changed rule, on a scratch state so the alarm itself is untouched.
    private bool StillHolds(Rule rule, ReadingContext context)
    {
        if (S.LastEvaluatedMs == 0)
        {
            return true;
        }

        context.Begin(DateTimeOffset.FromUnixTimeMilliseconds(S.LastEvaluatedMs));
        foreach (var (name, value) in S.Last)
        {
            context.Set(name, value);
        }

        var probe = new AlarmState();
        var change = RuleEvaluator.Evaluate(rule, probe, context, TuningOf(rule.Id));
        return change.Kind == AlarmChangeKind.None ? probe.LastEvaluated is null : probe.CurrentLevel != Severity.None;
    }

    // The device's own thresholds, from its threshold.<rule-id>... attributes (DeviceTuning).
    private void Tune()
    {
        _tuning = null;
        if (S.Registration is not { } registration)
        {
            return;
        }

        Context(DateTimeOffset.FromUnixTimeMilliseconds(S.LastEvaluatedMs)).Attributes = ReadingContext.NumericAttributes(registration.Attributes);
        if (!registration.Attributes.Keys.Any(k => k.StartsWith(DeviceTuning.Prefix, StringComparison.Ordinal)))
        {
            return;
        }

        var problems = new List<string>();
        foreach (var rule in _rules)
        {
            if (DeviceTuning.Resolve(rule, registration.Attributes, problems) is { } tuning)
            {
                (_tuning ??= new(StringComparer.Ordinal))[rule.Id] = tuning;
            }
        }

        foreach (var problem in problems)
        {
            LogBadTuning(logger, Id, problem);
        }
    }

    // One reusable context per device: the position in force, the zones in force, no allocation per reading.
    private ReadingContext Context(DateTimeOffset at)
    {
        var kind = S.Registration!.Kind;
        if (_reading is null || _reading.Kind != kind)
        {
            _reading = new ReadingContext(kind) { Zones = zones };
            if (S.Registration.Attributes.Count > 0)
            {
                _reading.Attributes = ReadingContext.NumericAttributes(S.Registration.Attributes);
            }
        }

        _reading.Begin(at);
        _reading.Latitude = S.Lat ?? double.NaN;
        _reading.Longitude = S.Lon ?? double.NaN;
        return _reading;
    }

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
            foreach (var rule in _rules)
            {
                if (rule.IsOffline && AlarmOf(rule.Id)?.IsActive != true)
                {
                    due = Min(due, seen + (TuningOf(rule.Id)?.Offline ?? rule.Offline!.Value));
                }
            }

            if (S.Online)
            {
                due = Min(due, seen + OnlineWindow());
            }
        }

        if (_softDirty)
        {
            due = Min(due, _softPersistedAt + SoftPersistEvery());
        }

        watch.Set(Id, due);
    }

    private Dictionary<string, AlarmState> Alarms => _alarms ??= new(StringComparer.Ordinal);

    private AlarmState? AlarmOf(string ruleId) => _alarms?.GetValueOrDefault(ruleId);

    private RuleTuning? TuningOf(string ruleId) => _tuning?.GetValueOrDefault(ruleId);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>Recomputes grid and unit when the position or the zone map changed; true when they did.</summary>
    private bool Locate(bool force)
    {
        var zoneSet = zones.Current;
        if (!force && S.ZoneVersion == zoneSet.Version)
        {
            return false;
        }

        S.ZoneVersion = zoneSet.Version;
        var cell = S.Lat is { } lat && S.Lon is { } lon ? zoneSet.Locate(lat, lon) : null;
        if (cell?.Code == S.Grid && cell?.Unit == S.Unit)
        {
            return false;
        }

        S.Grid = cell?.Code;
        S.Unit = cell?.Unit;
        _dirty = true;
        return true;
    }

    // A moving device's point is placed by its own position, so a redelivery lands in the same series.
    private TelemetryPoint PointFor(Reading reading, bool judged)
    {
        if (reading.Lat is not { } lat || reading.Lon is not { } lon)
        {
            return new TelemetryPoint(S.Lat is null ? reading : reading with { Lat = S.Lat, Lon = S.Lon }, S.Grid, S.Unit);
        }

        var cell = judged ? null : zones.Current.Locate(lat, lon);
        return judged ? new TelemetryPoint(reading, S.Grid, S.Unit) : new TelemetryPoint(reading, cell?.Code, cell?.Unit);
    }

    private bool IsOnline(DateTimeOffset now) => S.LastSeen is { } seen && now - seen < OnlineWindow();

    private TimeSpan OnlineWindow() =>
        _rules.Where(r => r.IsOffline).Select(r => TuningOf(r.Id)?.Offline ?? r.Offline!.Value).DefaultIfEmpty(options.Value.DefaultOfflineAfter).Min();

    private async Task Persist()
    {
        foreach (var (ruleId, alarm) in _alarms ?? [])
        {
            S.Alarms.TryGetValue(ruleId, out var existing);
            if (alarm.Phase == AlarmPhase.Idle && existing?.CaseId is null)
            {
                // Back to idle (a pending alarm that did not last): nothing to keep, here or on disk.
                S.Alarms.Remove(ruleId);
                if (alarm.Matches == 0)
                {
                    _alarms!.Remove(ruleId);
                }

                continue;
            }

            S.Alarms[ruleId] = AlarmRecord.From(alarm, existing?.CaseId, existing?.CaseFiled ?? false, _ruleSet?.Find(ruleId)?.Definition);
        }

        await state.WriteStateAsync();
        _dirty = _softDirty = false;
        _softPersistedAt = time.GetUtcNow();
    }

    private DeviceSnapshot Snapshot()
    {
        var registration = S.Registration!;
        var alarms = S.Alarms
            .Where(a => a.Value.Phase is AlarmPhase.Active or AlarmPhase.Clearing)
            .Select(a => new ActiveAlarm(a.Key, SeverityNames.ToName(a.Value.Severity), a.Value.ActiveSince ?? default, a.Value.LastValue, a.Value.Peak, a.Value.CaseId))
            .ToImmutableArray();
        return new DeviceSnapshot(
            Id, registration.Kind, registration.Name, S.Lat ?? registration.Lat, S.Lon ?? registration.Lon, registration.Code,
            registration.Attributes, S.Grid, S.Unit, IsOnline(time.GetUtcNow()), S.LastSeen,
            S.Last.ToImmutableDictionary(StringComparer.Ordinal), alarms, S.AutoProvisioned, registration.SecretHash is not null);
    }

    private static string NewCaseId(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 3).ToLowerInvariant();

    private static string DefaultCode(string kind) => kind switch
    {
        "waterlog" => "0406",
        "streetlight" => "0118",
        "vehicle" => "2101",
        _ => "0199",
    };

    private static string? Format(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device {DeviceId} auto-provisioned as {Kind} on its first reading")]
    private static partial void LogAutoProvisioned(ILogger logger, string deviceId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: {Problem}")]
    private static partial void LogBadTuning(ILogger logger, string deviceId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} sent a {Kind} reading but is registered as {Registered}; refused")]
    private static partial void LogWrongKind(ILogger logger, string deviceId, string kind, string registered);
}
