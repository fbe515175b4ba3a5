using CityOps.Grains.Alarms;
using CityOps.Grains.Cases;
using CityOps.Rules;

namespace CityOps.Grains.Devices;

// Silences and alarms (issue 17 item 7): an alarm raised under a silence (a maintenance window) is suppressed, suppressedBy
// the silence, and files no case. When the silence ends (at its end, or expired early) while the alarm is still active,
// the alarm is judged again under its rule's filing policy: it files then, or keeps waiting for confirmation. Run by the
// silo's device sweep like the alarm clock; the due time is the silence's end, and an early end is noticed within
// SilenceRecheck.
public sealed partial class DeviceGrain
{
    private static readonly TimeSpan SilenceRecheck = TimeSpan.FromMinutes(1);

    private async Task EndSilences()
    {
        var now = time.GetUtcNow();
        foreach (var (ruleId, record) in S.Alarms.ToList())
        {
            if (record.AlarmId is null || record.SuppressedBy is not { } silenceId || filer.SilenceEnd(silenceId) is not { } end || end > now
                || Rules.FirstOrDefault(r => r.Id == ruleId) is not { } rule || Judge.AlarmOf(ruleId) is not { IsActive: true } alarm)
            {
                continue;
            }

            // Another silence may hold it now; a case reported handled meanwhile is reworked, as on a raise.
            var intake = await filer.Decide(Id, S, rule, now);
            record.SuppressedBy = intake.SilencedBy;
            AlarmDesk.Note(record, new AlarmEntry(now, "unsuppressed", null, null, "silence:" + silenceId,
                intake.SilencedBy is { } next ? $"silence {silenceId} ended; silenced by {next}" : $"silence {silenceId} ended"));
            var fileNow = intake.SilencedBy is null && record.CaseId is null && record.Disposition == AlarmDisposition.Pending && !record.Flapping
                && rule.FilesAt(alarm.Severity);
            if (fileNow)
            {
                record.CaseId = intake.ReopenCaseId ?? DeviceCaseFiler.NewCaseId(now);
            }

            await Persist();
            await Announce(ruleId, record, AlarmEvents.Updated, now);
            if (fileNow)
            {
                await FileAlarm(rule, alarm, record, now, "rule:" + ruleId);
                await Persist();
            }
        }
    }

    // The earliest end of a silence holding an active alarm, if before due (at most SilenceRecheck away: a silence expired
    // early through the API is noticed then).
    private DateTimeOffset SilenceDue(DateTimeOffset due)
    {
        foreach (var record in S.Alarms.Values)
        {
            if (record.AlarmId is not null && record.SuppressedBy is { } silenceId && filer.SilenceEnd(silenceId) is { } end)
            {
                var recheck = time.GetUtcNow() + SilenceRecheck;
                due = new[] { due, end, recheck }.Min();
            }
        }

        return due;
    }
}
