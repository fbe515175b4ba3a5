using CityOps.Grains.Alarms;
using CityOps.Rules;

namespace CityOps.Grains.Devices;

// What the judge's changes mean for the device's alarms and their cases (raise, escalate, update, clear, flapping), and
// the filing that reactivation finishes after a crash. Runs on the grain's turn; alarm state stays the grain's.
public sealed partial class DeviceGrain
{
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
                        await services.Filer.Changed(heldCase, change, alarm);
                    }

                    await services.Desk.SaveValue(AlarmDesk.Snapshot(Id, S, rule.Id, held, change.At));
                    _dirty = true;
                    return;
                }

                var intake = await services.Filer.Decide(Id, S, rule, change.At);
                var suppressedBy = intake.SilencedBy ?? SuppressingFault(rule) ?? await InhibitedBy(rule);
                var raised = services.Desk.Raise(Id, rule, alarm, S, change.At, suppressedBy);
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
                await TellChildren(rule, raised);
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
                if (record.AwaitsBreach && alarm.CurrentLevel != Severity.None)
                {
                    // Released (suppressor cleared, silence ended) while back to normal, and breaching again before it cleared: judged as on its raise.
                    AlarmDesk.Note(record, new HistoryEntry(change.At, "breached", null, null, "rule:" + rule.Id, "breached again after its suppressor or silence ended"));
                    record.AwaitsBreach = false;
                    await JudgeAgain(rule, alarm, record, change.At);
                }

                if (record.CaseId is { } openCase && !record.CaseOfIncident && record.SuppressedBy is null)
                {
                    await services.Filer.Changed(openCase, change, alarm);
                }

                if (change.Kind == AlarmChangeKind.Escalated && record.AlarmId is not null && !record.Flapping)
                {
                    var from = record.History.LastOrDefault(h => h.To is not null && h.Type is "raised" or "severity")?.To;
                    AlarmDesk.Note(record, new HistoryEntry(change.At, "severity", from, WireNames.Of(alarm.Severity), "rule:" + rule.Id,
                        "value " + change.Value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)));
                    var crossesFileFrom = record.FilesNow(rule, alarm.Severity);
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
                else if (record.AlarmId is not null && (record.Flapping || (services.Time.GetUtcNow() is var now && now - (_alarmSavedAt?.GetValueOrDefault(record.AlarmId) ?? default) >= AlarmDesk.ValueSaveInterval)))
                {
                    // A storm updates every alarm on every reading: value-only changes reach the store every few seconds.
                    (_alarmSavedAt ??= new(StringComparer.Ordinal))[record.AlarmId] = services.Time.GetUtcNow();
                    await services.Desk.SaveValue(AlarmDesk.Snapshot(Id, S, rule.Id, record, change.At));
                }

                _dirty |= change.Kind == AlarmChangeKind.Escalated;
                return;
            case AlarmChangeKind.Cleared:
                if (record is not null && !await LeaveIncident(rule.Id, record, change.At) && record.CaseId is { } clearedCase)
                {
                    await services.Filer.Cleared(clearedCase, rule, change, alarm);
                }

                if (record?.AlarmId is not null && NoteFlap(rule, change.At) is { } flapping)
                {
                    // Flapping: the alarm is held, not cleared; starting to flap is told once, later changes not at all.
                    flapping.Held = record;
                    if (!record.Flapping)
                    {
                        record.Flapping = true;
                        AlarmDesk.Note(record, new HistoryEntry(change.At, "flapping", null, null, "rule:" + rule.Id,
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

    // A call that failed midway left an alarm stored but its case or incident not told: typically a new case grain placed
    // on a node that has just died and is not yet declared dead. The reading is then redelivered and recognised (not judged
    // again), so the next call, or the sweeper soon after (Watch), settles it first, as activation does after a crash.
    private async Task Settle()
    {
        if (_unsettled)
        {
            await RejoinIncidents();
            await RefileUnconfirmedCases();
            _unsettled = false;
        }
    }

    // After a crash between persisting an alarm and filing its case, file it now (File is idempotent).
    // Also stores the alarms whose raising was not yet stored, first, so the stream tells raised before filed.
    private async Task RefileUnconfirmedCases()
    {
        var now = services.Time.GetUtcNow();
        foreach (var (ruleId, record) in S.Alarms)
        {
            if (record.AlarmId is not null && !record.Announced)
            {
                await Announce(ruleId, record, AlarmEvents.Raised, record.RaisedAt ?? now);
            }
        }

        var unfiled = S.Alarms.Where(a => a.Value.CaseId is not null && !a.Value.CaseFiled).Select(a => a.Key).ToList();
        if (await services.Filer.Refile(Id, S, Judge, now) || _dirty)
        {
            foreach (var ruleId in unfiled)
            {
                if (S.Alarms[ruleId] is { CaseFiled: true, AlarmId: not null } filed && filed.Disposition != AlarmDisposition.Filed)
                {
                    filed.Disposition = AlarmDisposition.Filed;
                    AlarmDesk.Note(filed, new HistoryEntry(now, "filed", "pending", "filed", "rule:" + ruleId, "case " + filed.CaseId));
                    await services.Desk.Announce(AlarmDesk.Snapshot(Id, S, ruleId, filed, now), AlarmEvents.Filed, now);
                }
            }

            await Persist();
        }
    }
}
