using System.Collections.Immutable;
using CityOps.Grains.Alarms;
using CityOps.Rules;

namespace CityOps.Grains.Devices;

// Root-cause suppression (CONTRACT §8): an alarm of a rule that another rule inhibits is suppressed while the device's parent
// (its `parent` attribute) has an active alarm of that rule; the parent tells its children, one-way, when that alarm clears.
// Sensor faults take the same path with the device as its own child: an active fault alarm (stuck, jump, range) on a metric
// suppresses the device's other alarms on that metric, those raised before it included, and its clearing tells the device
// to judge them again. Which rules suppress which is decided by the rule set (InhibitorsOf, FaultsOver), as in the replay.
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
        if (faultRecord.AlarmId is not { } faultId || faultRecord.Flapping || Judge.RuleSet?.SuppressedByFault(fault.Id) is not { IsDefaultOrEmpty: false } suppressed)
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
            AlarmDesk.Note(record, new AlarmEntry(at, "suppressed", null, faultId, "rule:" + fault.Id, "sensor fault " + fault.Id));
            _dirty = true;
            await Persist();
            await Announce(ruleId, record, AlarmEvents.Updated, at);
        }
    }

    public Task<string?> InhibitingAlarm(string childId, ImmutableArray<string> ruleIds) => Task.FromResult(ActiveAlarmOf(childId, ruleIds));

    // The first active alarm of these rules; the child is noted to be told when it clears.
    private string? ActiveAlarmOf(string childId, ImmutableArray<string> ruleIds)
    {
        foreach (var ruleId in ruleIds)
        {
            if (S.Alarms.GetValueOrDefault(ruleId) is { AlarmId: { } alarmId, Flapping: false } && Judge.AlarmOf(ruleId)?.IsActive == true)
            {
                if (!S.InhibitedChildren.TryGetValue(alarmId, out var children))
                {
                    S.InhibitedChildren[alarmId] = children = [];
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
        if (record.AlarmId is null || !S.InhibitedChildren.Remove(record.AlarmId, out var children))
        {
            return;
        }

        _dirty = true;
        foreach (var child in children)
        {
            _ = GrainFactory.GetGrain<IDeviceGrain>(child).ParentCleared(record.AlarmId);
        }
    }

    public async Task ParentCleared(string parentAlarmId)
    {
        var now = time.GetUtcNow();
        foreach (var (ruleId, record) in S.Alarms.ToList())
        {
            if (record.SuppressedBy != parentAlarmId || record.AlarmId is null)
            {
                continue;
            }

            // Judged again under the rule's own policy: an auto alarm files now, or joins its incident.
            record.SuppressedBy = null;
            AlarmDesk.Note(record, new AlarmEntry(now, "unsuppressed", parentAlarmId, null, "rule:" + ruleId, "suppressing alarm cleared"));
            var rule = Rules.FirstOrDefault(r => r.Id == ruleId);
            var state = Judge.AlarmOf(ruleId);
            var fileNow = rule is not null && state is { IsActive: true } && record.CaseId is null && record.IncidentId is null
                && record.Disposition == AlarmDisposition.Pending && !record.Flapping && rule.FilesAt(state.Severity);
            if (fileNow)
            {
                record.CaseId = DeviceCaseFiler.NewCaseId(now);
            }

            await Persist();
            await Announce(ruleId, record, AlarmEvents.Updated, now);
            if (rule is not null && state is { IsActive: true } && await ReportIncident(rule, record, now))
            {
                continue;
            }

            if (fileNow)
            {
                await FileAlarm(rule!, state!, record, now, "rule:" + ruleId);
                await Persist();
            }
        }
    }
}
