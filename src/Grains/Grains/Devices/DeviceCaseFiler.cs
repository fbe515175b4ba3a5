using System.Globalization;
using CityOps.Grains.Cases;
using CityOps.Rules;

namespace CityOps.Grains.Devices;

/// <summary>
/// How a device's alarm reaches its case: whether to file (<see cref="CaseIntake"/>), the filing itself (code and title
/// rendered from the rule's case template and the device), and the alarm's later changes. When to call it, and what is
/// persisted first, stays with <see cref="DeviceGrain"/>: that order is what makes filing crash-safe.
/// </summary>
public sealed class DeviceCaseFiler(CaseIntake intake, IGrainFactory grains, KindCatalog kinds)
{
    /// <summary>Whether an alarm raised now files a new case, reworks a handled one, or is silenced.</summary>
    public Task<CaseIntakeDecision> Decide(string deviceId, DeviceState device, Rule rule, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(rule);
        return intake.DecideAsync(deviceId, rule.Id, device.Grid, device.Lat, device.Lon, at);
    }

    /// <summary>When the silence that holds an alarm ends; null when it is no silence (e.g. a parent alarm).</summary>
    public DateTimeOffset? SilenceEnd(string silenceId) => intake.SilenceEnd(silenceId);

    /// <summary>
    /// Files the case of <paramref name="alarm"/> (idempotent for one case id), then marks the alarm's record filed.
    /// The record, with its case id, must be persisted first.
    /// </summary>
    public async Task File(string deviceId, DeviceState device, Rule rule, AlarmState alarm, string caseId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(alarm);
        var registration = device.Registration!;
        var resolve = Resolver(deviceId, registration, alarm);
        var code = rule.Case.RenderCode(resolve);
        code = string.IsNullOrWhiteSpace(code) ? kinds.DefaultCaseCode(registration.Kind) : code;
        var filing = new CaseFiling(
            code, rule.Case.RenderTitle(resolve), alarm.Severity, deviceId, rule.Id,
            device.Lat, device.Lon, device.Grid, device.Unit, rule.IsOffline ? null : alarm.LastValue, at, "rule:" + rule.Id,
            rule.IsOffline ? "no reading since " + (device.LastSeen?.ToString("O") ?? "registration") : null,
            AlarmId: device.Alarms.GetValueOrDefault(rule.Id)?.AlarmId,
            CodeType: rule.Case.CodeType switch { "component" => CodeType.Component, "event" => CodeType.Event, _ => null });
        await grains.GetGrain<ICaseGrain>(caseId).File(filing);
        device.Alarms[rule.Id].CaseFiled = true;
    }

    /// <summary>
    /// Files, after a crash between persisting an alarm and filing its case, every case not confirmed filed. True when
    /// it filed any (the device state changed).
    /// </summary>
    public async Task<bool> Refile(string deviceId, DeviceState device, DeviceJudge judge, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(judge);
        var filed = false;
        foreach (var (ruleId, record) in device.Alarms)
        {
            if (record.CaseId is { } caseId && !record.CaseFiled && judge.RuleSet?.Find(ruleId) is { } rule && judge.AlarmOf(ruleId) is { } alarm)
            {
                await File(deviceId, device, rule, alarm, caseId, record.ActiveSince ?? now);
                filed = true;
            }
        }

        return filed;
    }

    /// <summary>A new value or a higher severity of an active alarm, for its case.</summary>
    public Task Changed(string caseId, AlarmChange change, AlarmState alarm)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        return grains.GetGrain<ICaseGrain>(caseId).AlarmChanged(new AlarmUpdate(
            change.At, alarm.Severity, change.Value, Active: true,
            change.Kind == AlarmChangeKind.Escalated ? $"escalated to {WireNames.Of(alarm.Severity)} at {Format(change.Value)}" : null,
            alarm.Peak));
    }

    /// <summary>An escalation step of the rule raised the alarm's severity without a reading (the value stays as it was).</summary>
    public Task Escalated(string caseId, AlarmState alarm, DateTimeOffset at, string note)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        return grains.GetGrain<ICaseGrain>(caseId).AlarmChanged(new AlarmUpdate(
            at, alarm.Severity, null, Active: true, note, null));
    }

    /// <summary>A root cause suppressed the alarm of an open case (<paramref name="rootCauseAlarmId"/>), or cleared (null): a note on the case.</summary>
    public Task RootCause(string caseId, DateTimeOffset at, string? rootCauseAlarmId, string note) =>
        grains.GetGrain<ICaseGrain>(caseId).RootCause(at, rootCauseAlarmId, note);

    /// <summary>The alarm cleared.</summary>
    public Task Cleared(string caseId, Rule rule, AlarmChange change, AlarmState alarm)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(alarm);
        return grains.GetGrain<ICaseGrain>(caseId).AlarmChanged(new AlarmUpdate(
            change.At, alarm.Severity, rule.IsOffline ? null : change.Value, Active: false, "alarm cleared", alarm.Peak));
    }

    /// <summary>
    /// After <paramref name="judge"/> took a new rule set (replacing <paramref name="previous"/>): ends each alarm whose rule
    /// was removed, or changed so that the last reading no longer raises it (<see cref="DeviceJudge.Revise"/>), with a
    /// note on its case, and tells <paramref name="ended"/> (the alarm desk). True when the device state changed.
    /// </summary>
    public async Task<bool> Revise(DeviceState device, DeviceJudge judge, RuleSet? previous, DateTimeOffset now, Func<string, AlarmRecord, string, Task> ended)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(judge);
        var dirty = false;
        DateTimeOffset? lastAt = device.LastEvaluatedMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(device.LastEvaluatedMs);
        foreach (var ruleId in judge.Alarms.Keys.ToList())
        {
            device.Alarms.TryGetValue(ruleId, out var record);
            var note = judge.Revise(ruleId, record?.RuleDefinition ?? previous?.Find(ruleId)?.Definition, lastAt, device.Last, out var changed);
            dirty |= changed;
            if (note is null)
            {
                continue;
            }

            if (record?.CaseId is { } caseId && record.Phase is AlarmPhase.Active or AlarmPhase.Clearing)
            {
                await grains.GetGrain<ICaseGrain>(caseId).AlarmChanged(new AlarmUpdate(
                    now, record.Severity, null, Active: false, note, null, ByReadings: false));
            }

            if (record is not null)
            {
                await ended(ruleId, record, note);
            }

            judge.Forget(ruleId);
            device.Alarms.Remove(ruleId);
            dirty = true;
        }

        return dirty;
    }

    /// <summary>The rule's case title for this device and alarm (the alarm desk shows it too).</summary>
    public static string Title(string deviceId, DeviceState device, Rule rule, AlarmState alarm)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Case.RenderTitle(Resolver(deviceId, device.Registration!, alarm));
    }

    private static Func<string, string?> Resolver(string deviceId, DeviceRegistration registration, AlarmState alarm) => name => name switch
    {
        "value" => Format(alarm.LastValue),
        "peak" => Format(alarm.Peak),
        "eta" => CaseTemplate.FormatEta(alarm.Eta),
        "severity" => WireNames.Of(alarm.Severity),
        "device.id" => deviceId,
        "device.name" => registration.Name,
        "device.code" => registration.Code,
        "device.kind" => registration.Kind,
        _ when name.StartsWith("device.", StringComparison.Ordinal) => registration.Attributes.GetValueOrDefault(name["device.".Length..]),
        _ => null,
    };

    public static string NewCaseId(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 3).ToLowerInvariant();

    private static string? Format(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture);
}
