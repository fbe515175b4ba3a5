using System.Collections.Immutable;
using CityOps.Grains.Alarms;
using CityOps.Grains.Storage;
using CityOps.Rules;

namespace CityOps.Grains.Devices;

// Root-cause suppression (CONTRACT §8): an alarm of a rule that another rule inhibits is suppressed while the device's parent
// (its `parent` attribute) has an active alarm of that rule; the parent tells its children, one-way, when that alarm clears.
// Sensor faults take the same path with the device as its own child: an active fault alarm (stuck, jump, range) on a metric
// suppresses the device's other alarms on that metric, those raised before it included, and its clearing tells the device
// to judge them again. A flapping suppressor suppresses as any other (its alarm stays open, held while clear) until it clears
// for good (quiet after flapping). Which rules suppress which is decided by the rule set (InhibitorsOf, FaultsOver), as in the replay.
public sealed partial class DeviceGrain
{
    /// <summary>The attribute naming a device's parent (a lamp's cabinet, a gauge's pump station).</summary>
    public const string ParentAttribute = RuleSet.ParentAttribute;

    private const int MaxChildrenPerAlarm = 10_000;

    // The parent's active alarm that suppresses an alarm of this rule raised now; null when none (or no parent).
    private async Task<string?> InhibitedBy(Rule rule)
    {
        if (S.Registration?.Attributes.GetValueOrDefault(ParentAttribute) is not { Length: > 0 } parent || parent == Id
            || Judge.RuleSet?.InhibitorsOf(rule.Id) is not { IsDefaultOrEmpty: false } inhibitors)
        {
            return null;
        }

        return await GrainFactory.GetGrain<IDeviceGrain>(parent).InhibitingAlarm(Id, inhibitors);
    }

    // The device's active sensor-fault alarm on the metric of this (non-fault) rule; null when none.
    private string? SuppressingFault(Rule rule) =>
        Judge.RuleSet?.FaultsOver(rule.Id) is { IsDefaultOrEmpty: false } faults ? ActiveAlarmOf(Id, faults) : null;

    // A fault alarm was just raised: the device's active alarms on its metric raised before it are suppressed by it from now
    // on (no filing, no case updates, no reminders) and judged again when it clears (ParentCleared), like those raised under it.
    private async Task SuppressEarlier(Rule fault, AlarmRecord faultRecord, DateTimeOffset at)
    {
        if (faultRecord.AlarmId is not { } faultId || Judge.RuleSet?.SuppressedByFault(fault.Id) is not { IsDefaultOrEmpty: false } suppressed)
        {
            return;
        }

        foreach (var ruleId in suppressed)
        {
            if (S.Alarms.GetValueOrDefault(ruleId) is not { AlarmId: not null, SuppressedBy: null } record || Judge.AlarmOf(ruleId)?.IsActive != true)
            {
                continue;
            }

            record.SuppressedBy = ActiveAlarmOf(Id, [fault.Id]); // notes the device as the fault's child, to be told when it clears
            AlarmDesk.Note(record, new HistoryEntry(at, "suppressed", null, faultId, "rule:" + fault.Id, "sensor fault " + fault.Id));
            await Persist();
            await Announce(ruleId, record, AlarmEvents.Updated, at);
        }
    }

    public Task<string?> InhibitingAlarm(string childId, ImmutableArray<string> ruleIds) => Task.FromResult(ActiveAlarmOf(childId, ruleIds));

    // The first open alarm of these rules, flapping or not (a flapping cabinet is still why its lamps are dark): active, or held
    // while it flaps and is clear (no alarm.cleared yet). The child is noted to be told when it clears for good.
    private string? ActiveAlarmOf(string childId, ImmutableArray<string> ruleIds)
    {
        foreach (var ruleId in ruleIds)
        {
            var open = S.Alarms.GetValueOrDefault(ruleId) is { } record && Judge.AlarmOf(ruleId)?.IsActive == true ? record : S.Flaps?.GetValueOrDefault(ruleId)?.Held;
            if (open?.AlarmId is { } alarmId)
            {
                var inhibited = S.InhibitedChildren ??= new(StringComparer.Ordinal);
                if (!inhibited.TryGetValue(alarmId, out var children))
                {
                    inhibited[alarmId] = children = [];
                }

                if (!children.Contains(childId) && children.Count < MaxChildrenPerAlarm)
                {
                    children.Add(childId);
                    _dirty = true;
                }

                return alarmId;
            }
        }

        return null;
    }

    // The alarm cleared: the children it suppressed are told (one-way; they judge their alarms again).
    private void ReleaseChildren(AlarmRecord record)
    {
        if (record.AlarmId is null || S.InhibitedChildren is null || !S.InhibitedChildren.Remove(record.AlarmId, out var children))
        {
            return;
        }

        _dirty = true;
        foreach (var child in children)
        {
            _ = GrainFactory.GetGrain<IDeviceGrain>(child).ParentCleared(record.AlarmId);
        }
    }

    // An alarm of a rule with inhibits: was just raised: the children (by the directory's parent index) are told, one-way, so
    // that their alarms of the inhibited rules raised before it are suppressed by it too. Each child asks this grain again
    // (InhibitingAlarm) and is noted there, so an alarm that cleared meanwhile suppresses nothing and every child is released.
    private async Task TellChildren(Rule rule, AlarmRecord record)
    {
        if (rule.Inhibits.IsDefaultOrEmpty || record.AlarmId is not { } alarmId)
        {
            return;
        }

        foreach (var child in await services.Directory.ChildrenOfAsync(Id, MaxChildrenPerAlarm))
        {
            if (child != Id)
            {
                _ = GrainFactory.GetGrain<IDeviceGrain>(child).ParentAlarmRaised(alarmId);
            }
        }
    }

    public Task ParentAlarmRaised(string parentAlarmId) => this.Guard(ParentAlarmRaisedUnguarded(parentAlarmId));

    private async Task ParentAlarmRaisedUnguarded(string parentAlarmId)
    {
        var now = services.Time.GetUtcNow();
        var parent = S.Registration?.Attributes.GetValueOrDefault(ParentAttribute);
        foreach (var (ruleId, record) in S.Alarms.ToList())
        {
            if (record is not { AlarmId: not null, SuppressedBy: null } || Judge.AlarmOf(ruleId)?.IsActive != true
                || Rules.FirstOrDefault(r => r.Id == ruleId) is not { } rule || await InhibitedBy(rule) is not { } by)
            {
                continue;
            }

            // As if raised under it: no filing, no case updates, escalation or reminders; a case already filed stays open,
            // with a note naming the root cause (docs/alarms.md).
            record.SuppressedBy = by;
            record.AwaitsBreach = false;
            var note = $"root cause: alarm {by} of parent {parent}";
            AlarmDesk.Note(record, new HistoryEntry(now, "suppressed", null, by, "device:" + parent, note));
            await Persist();
            await Announce(ruleId, record, AlarmEvents.Updated, now);
            if (record.CaseId is { } caseId && !record.CaseOfIncident)
            {
                await services.Filer.RootCause(caseId, now, by, $"{note}; the case stays open");
            }
        }
    }

    public Task ParentCleared(string parentAlarmId) => this.Guard(ParentClearedUnguarded(parentAlarmId));

    private async Task ParentClearedUnguarded(string parentAlarmId)
    {
        var now = services.Time.GetUtcNow();
        foreach (var (ruleId, record) in S.Alarms.ToList())
        {
            if (record.SuppressedBy != parentAlarmId || record.AlarmId is null)
            {
                continue;
            }

            if (record.CaseId is { } caseId && !record.CaseOfIncident)
            {
                await services.Filer.RootCause(caseId, now, null, $"root cause {parentAlarmId} cleared");
            }

            await Release(ruleId, record, now, new HistoryEntry(now, "unsuppressed", parentAlarmId, null, "rule:" + ruleId, "suppressing alarm cleared"));
        }
    }

    // An alarm no longer held (its suppressor cleared, its silence ended) is judged again under its rule's own policy if its
    // condition holds on the latest reading: an auto alarm files now, or joins its incident (JudgeAgain). One back to normal
    // (clearing, within its rule's clear: hold) files nothing unless it breaches again first (AwaitsBreach); its history line
    // says so. reopenCaseId: a case reported handled meanwhile, reworked instead of a new one, as on a raise.
    private async Task Release(string ruleId, AlarmRecord record, DateTimeOffset now, HistoryEntry line, string? reopenCaseId = null)
    {
        record.SuppressedBy = null;
        var rule = Rules.FirstOrDefault(r => r.Id == ruleId);
        var state = Judge.AlarmOf(ruleId);
        var holds = rule is not null && state is { IsActive: true, CurrentLevel: not Severity.None };
        record.AwaitsBreach = !holds && state is { IsActive: true };
        AlarmDesk.Note(record, record.AwaitsBreach ? line with { Note = line.Note + "; value back to normal: no case unless it breaches again before it clears" } : line);
        if (holds)
        {
            await JudgeAgain(rule!, state!, record, now, reopenCaseId);
        }
        else
        {
            await Persist();
            await Announce(ruleId, record, AlarmEvents.Updated, now);
        }
    }

    // An alarm no longer held back (its suppressor cleared, it breached again after that, or it stopped flapping) is judged
    // as on its raise: it joins its incident, or files under its rule's policy.
    private async Task JudgeAgain(Rule rule, AlarmState state, AlarmRecord record, DateTimeOffset now, string? reopenCaseId = null)
    {
        var fileNow = record.FilesNow(rule, state.Severity);
        if (fileNow)
        {
            record.CaseId = reopenCaseId ?? DeviceCaseFiler.NewCaseId(now);
        }

        await Persist();
        await Announce(rule.Id, record, AlarmEvents.Updated, now);
        if (await ReportIncident(rule, record, now))
        {
            return;
        }

        if (fileNow)
        {
            await FileAlarm(rule, state, record, now, "rule:" + rule.Id);
            await Persist();
        }
    }
}
