using CityOps.Grains.Alarms;
using CityOps.Rules;

namespace CityOps.Grains.Devices;

// Time without readings (issue 17 item 4): a rule's escalate: steps and remind: interval, run by the silo's sweep
// (CheckOffline) and timed by Watch, no timer per grain. The arithmetic is AlarmClock's; every due time derives from
// persisted alarm state (raisedAt, severity, acknowledgement, the last reminder), so a restart or a deactivation loses nothing.
public sealed partial class DeviceGrain
{
    // Escalates and reminds the active alarms that are due. Each change is persisted before it is announced, and a case id
    // before its case is filed (as for a reading-driven escalation), so a crash leaves nothing reactivation does not finish.
    private async Task RunAlarmClock()
    {
        if (S.Alarms.Count == 0)
        {
            return;
        }

        var now = services.Time.GetUtcNow();
        foreach (var (ruleId, record) in S.Alarms.ToList())
        {
            if (Timed(ruleId, record) is not { } timed)
            {
                continue;
            }

            var (rule, alarm, raisedAt) = timed;

            // A flapping alarm sends nothing new: it escalates once it is quiet (EndQuietFlapping runs first in the same sweep).
            // One back to normal after its suppressor cleared waits quietly to clear (or to breach again).
            if (!record.Flapping && !record.AwaitsBreach && AlarmClock.EscalationDue(rule.Escalate, raisedAt, alarm.Severity, Seen(record), now) is { } to)
            {
                await EscalateByTime(rule, record, alarm, to, now);
            }

            if (AlarmClock.NextReminder(rule.Remind, raisedAt, record.RemindedAt, Quiet(record)) is { } remindAt && remindAt <= now)
            {
                record.RemindedAt = now;
                var waited = TimeSpan.FromMinutes(Math.Floor((now - raisedAt).TotalMinutes));
                AlarmDesk.Note(record, new HistoryEntry(now, "reminder", null, WireNames.Of(record.Severity), "rule:" + ruleId,
                    "not acknowledged after " + Durations.Format(waited)));
                await Persist();
                await Announce(ruleId, record, AlarmEvents.Reminded, now);
            }
        }
    }

    private async Task EscalateByTime(Rule rule, AlarmRecord record, AlarmState alarm, Severity to, DateTimeOffset now)
    {
        var from = alarm.Severity;
        AlarmClock.Escalate(alarm, to);
        record.Refresh(alarm, rule.Definition);
        var step = rule.Escalate.Last(s => s.To == to);
        var note = $"escalated to {WireNames.Of(to)}: active {Durations.Format(step.After)}" + (step.UnlessAcknowledged ? " and not acknowledged" : "");
        AlarmDesk.Note(record, new HistoryEntry(now, "escalated", WireNames.Of(from), WireNames.Of(to), "rule:" + rule.Id, note));
        // Escalated across the rule's fileFrom: the alarm that waited for confirmation files now, as on a reading.
        var fileNow = record.FilesNow(rule, to);
        if (fileNow)
        {
            record.CaseId = DeviceCaseFiler.NewCaseId(now);
        }

        await Persist();
        await Announce(rule.Id, record, AlarmEvents.Escalated, now);
        if (await ReportIncident(rule, record, now) && record.CaseOfIncident)
        {
            return; // the incident hears the new severity and keeps its case current (or took this alarm's case as its own)
        }

        if (fileNow)
        {
            await FileAlarm(rule, alarm, record, now, "rule:" + rule.Id);
            await Persist();
        }
        else if (record.CaseId is { } caseId && record.CaseFiled && !record.CaseOfIncident && record.SuppressedBy is null)
        {
            await services.Filer.Escalated(caseId, alarm, now, note);
        }
    }

    // The earliest escalation or reminder due among the active alarms, if before due.
    private DateTimeOffset AlarmClockDue(DateTimeOffset due)
    {
        foreach (var (ruleId, record) in S.Alarms)
        {
            if (Timed(ruleId, record) is not { } timed)
            {
                continue;
            }

            var (rule, alarm, raisedAt) = timed;

            if (!record.Flapping && !record.AwaitsBreach && AlarmClock.NextEscalation(rule.Escalate, raisedAt, alarm.Severity, Seen(record)) is { } escalateAt && escalateAt < due)
            {
                due = escalateAt;
            }

            if (AlarmClock.NextReminder(rule.Remind, raisedAt, record.RemindedAt, Quiet(record)) is { } remindAt && remindAt < due)
            {
                due = remindAt;
            }
        }

        return due;
    }

    // An active, raised alarm of a rule in force with escalate: or remind:.
    private (Rule Rule, AlarmState Alarm, DateTimeOffset RaisedAt)? Timed(string ruleId, AlarmRecord record) =>
        record.AlarmId is not null && record.RaisedAt is { } raisedAt
        && Rules.FirstOrDefault(r => r.Id == ruleId) is { } rule && (!rule.Escalate.IsDefaultOrEmpty || rule.Remind is not null)
        && Judge.AlarmOf(ruleId) is { IsActive: true } alarm
            ? (rule, alarm, raisedAt)
            : null;

    // A person has seen to the alarm: acknowledged, dismissed or closed (unless: acknowledged steps stop).
    private static bool Seen(AlarmRecord record) =>
        record.AcknowledgedAt is not null || record.Disposition == AlarmDisposition.Dismissed || record.ClosedAt is not null;

    // No reminders: seen, silenced, or flapping (a flapping alarm sends no notifications).
    private static bool Quiet(AlarmRecord record) => Seen(record) || record.SuppressedBy is not null || record.Flapping || record.AwaitsBreach;
}
