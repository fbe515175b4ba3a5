using CityOps.Grains.Alarms;
using CityOps.Grains.Storage;
using CityOps.Rules;

namespace CityOps.Grains.Devices;

// The alarm desk's side of the device (CONTRACT §7): the actions a monitor takes on an alarm, filing it, announcing its
// changes to the alarm store and stream, and flapping. Alarm state stays the grain's; these run on its turn.
public sealed partial class DeviceGrain
{
    // Counts a raise or clear of a rule with flapping:; the watch when the alarm is flapping (now or already), else null.
    private FlapState? NoteFlap(Rule rule, DateTimeOffset at)
    {
        if (rule.Flapping is not { } policy)
        {
            return null;
        }

        var flaps = S.Flaps ??= new(StringComparer.Ordinal);
        if (!flaps.TryGetValue(rule.Id, out var flap))
        {
            flaps[rule.Id] = flap = new FlapState();
        }

        flap.Flapping = policy.Note(flap.Changes, at) || flap.Flapping;
        _dirty = true;
        return flap.Flapping ? flap : null;
    }

    // A flapping alarm quiet for its window stops flapping: told once, then judged again (a clear one clears, an active one
    // joins its incident or files under its rule's policy, as on a raise). Rules no longer in force, or without flapping:,
    // drop their watch.
    private async Task EndQuietFlapping()
    {
        if (S.Flaps is not { Count: > 0 } flaps)
        {
            return;
        }

        var now = services.Time.GetUtcNow();
        foreach (var (ruleId, flap) in flaps.ToList())
        {
            var rule = Rules.FirstOrDefault(r => r.Id == ruleId);
            if (rule?.Flapping is not { } policy)
            {
                flaps.Remove(ruleId);
                _dirty = true;
                continue;
            }

            if (policy.QuietAt(flap.Changes) > now)
            {
                continue;
            }

            flaps.Remove(ruleId);
            _dirty = true;
            if (flap.Held is { } held)
            {
                held.Flapping = false;
                await AnnounceCleared(ruleId, held, now, "quiet after flapping");
            }
            else if (S.Alarms.GetValueOrDefault(ruleId) is { Flapping: true } active && Judge.AlarmOf(ruleId) is { } state)
            {
                active.Flapping = false;
                AlarmDesk.Note(active, new HistoryEntry(now, "flapping", null, null, "rule:" + ruleId, "quiet: no longer flapping"));
                await JudgeAgain(rule, state, active, now);
            }
        }
    }

    public Task<AlarmActionResult> ActOnAlarm(string alarmId, AlarmAction action) => this.Guard(ActOnAlarmUnguarded(alarmId, action));

    private async Task<AlarmActionResult> ActOnAlarmUnguarded(string alarmId, AlarmAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var now = services.Time.GetUtcNow();
        var (ruleId, record) = S.Alarms.FirstOrDefault(a => a.Value.AlarmId == alarmId);
        if (record is null)
        {
            // Cleared: the store keeps the alarm, and this grain is still its only writer.
            if (await services.Desk.Find(alarmId) is not { } stored || stored.DeviceId != Id)
            {
                return new AlarmActionResult(null, $"No alarm '{alarmId}'.", NotFound: true);
            }

            if (AlarmActions.Refusal(action.Action, stored.Status, stored.Disposition, stored.Acknowledged, stored.ClosedAt is not null, stored.CaseId) is { } refused)
            {
                return new AlarmActionResult(null, refused);
            }

            var after = AlarmActions.Apply(stored, action, now);
            await services.Desk.Announce(after, AlarmActions.EventOf(action.Action), now);
            CountAction(stored.RuleId, action);
            return new AlarmActionResult(after, null);
        }

        if (AlarmActions.Refusal(action.Action, AlarmStatus.Active, record.Disposition, record.AcknowledgedAt is not null, record.ClosedAt is not null, record.CaseId) is { } refusal)
        {
            return new AlarmActionResult(null, refusal);
        }

        var rule = Rules.FirstOrDefault(r => r.Id == ruleId);
        if (action.Action == AlarmActionKind.File && (rule is null || Judge.AlarmOf(ruleId) is null))
        {
            return new AlarmActionResult(null, $"the rule '{ruleId}' of the alarm is no longer in force; file a case by hand");
        }

        var entry = AlarmActions.Entry(action, now, record.Disposition);
        switch (action.Action)
        {
            case AlarmActionKind.Acknowledge:
                record.AcknowledgedAt = now;
                record.AcknowledgedBy = action.By;
                break;
            case AlarmActionKind.Dismiss:
                record.Disposition = AlarmDisposition.Dismissed;
                record.DismissReason = action.Reason;
                break;
            case AlarmActionKind.Close:
                record.ClosedAt = now;
                break;
            case AlarmActionKind.File when record.IncidentId is not null && record.IncidentKey is not null
                && await GrainFactory.GetGrain<IIncidentGrain>(record.IncidentKey).File(alarmId, action.By) is { } incidentCase:
                // A member of an incident joins the incident's case (filed now if the incident had none).
                await TakeIncident(ruleId, record, record.IncidentId, incidentCase, now);
                CountAction(ruleId, action);
                return new AlarmActionResult(AlarmDesk.Snapshot(Id, S, ruleId, record, now), null);
            case AlarmActionKind.File:
                record.CaseId = DeviceCaseFiler.NewCaseId(now);
                await Persist();
                await FileAlarm(rule!, Judge.AlarmOf(ruleId)!, record, now, action.By, entry);
                await Persist();
                CountAction(ruleId, action);
                return new AlarmActionResult(AlarmDesk.Snapshot(Id, S, ruleId, record, now), null);
        }

        AlarmDesk.Note(record, entry);
        await Persist();
        var snapshot = AlarmDesk.Snapshot(Id, S, ruleId, record, now);
        await services.Desk.Announce(snapshot, AlarmActions.EventOf(action.Action), now);
        CountAction(ruleId, action);
        return new AlarmActionResult(snapshot, null);
    }

    private static void CountAction(string ruleId, AlarmAction action)
    {
        if (action.Action == AlarmActionKind.Dismiss)
        {
            AlarmMetrics.Dismissed.WithLabels(ruleId).Inc();
        }
    }

    // Files the alarm's case (its id already persisted on the record), then marks the alarm filed and announces it.
    private async Task FileAlarm(Rule rule, AlarmState alarm, AlarmRecord record, DateTimeOffset at, string by, HistoryEntry? entry = null)
    {
        await services.Filer.File(Id, S, rule, alarm, record.CaseId!, at);
        var before = record.Disposition;
        record.Disposition = AlarmDisposition.Filed;
        AlarmDesk.Note(record, entry ?? new HistoryEntry(at, "filed", WireNames.Of(before), "filed", by, "case " + record.CaseId));
        AlarmMetrics.Filed.WithLabels(rule.Id, by.StartsWith("rule:", StringComparison.Ordinal) ? "auto" : "person").Inc();
        await services.Desk.Announce(AlarmDesk.Snapshot(Id, S, rule.Id, record, at), AlarmEvents.Filed, at);
    }

    private async Task Announce(string ruleId, AlarmRecord record, string eventName, DateTimeOffset at)
    {
        await services.Desk.Announce(AlarmDesk.Snapshot(Id, S, ruleId, record, at), eventName, at);
        if (eventName == AlarmEvents.Raised && !record.Announced)
        {
            record.Announced = true;
            _dirty = true;
        }
    }

    private async Task AnnounceCleared(string ruleId, AlarmRecord record, DateTimeOffset at, string note)
    {
        await LeaveIncident(ruleId, record, at);
        ReleaseChildren(record);
        AlarmDesk.Note(record, new HistoryEntry(at, "cleared", null, null, "rule:" + ruleId, note));
        await services.Desk.Announce(AlarmDesk.Snapshot(Id, S, ruleId, record, at, clearedAt: at), AlarmEvents.Cleared, at);
    }
}
