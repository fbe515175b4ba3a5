using CityOps.Grains.Alarms;
using CityOps.Grains.Cases;
using CityOps.Rules;

namespace CityOps.Grains.Devices;

// Silences and alarms (issue 17 item 7): an alarm raised under a silence (a maintenance window) is suppressed, suppressedBy
// the silence, and files no case. When the silence ends (at its end, or expired early) while the alarm is still active,
// the alarm is judged again as on a parent's clear (Release): it files then, joins its incident, or keeps waiting for
// confirmation; one already back to normal (within its clear: hold) files nothing unless it breaches again. Run by the
// silo's device sweep like the alarm clock; the due time is the silence's end, and an early end is noticed within
// SilenceRecheck.
public sealed partial class DeviceGrain
{
    private static readonly TimeSpan SilenceRecheck = TimeSpan.FromMinutes(1);

    private async Task EndSilences()
    {
        var now = services.Time.GetUtcNow();
        foreach (var (ruleId, record) in S.Alarms.ToList())
        {
            if (record.AlarmId is null || record.SuppressedBy is not { } silenceId || services.Filer.SilenceEnd(silenceId) is not { } end || end > now
                || Rules.FirstOrDefault(r => r.Id == ruleId) is not { } rule || Judge.AlarmOf(ruleId) is not { IsActive: true })
            {
                continue;
            }

            // Another silence may hold it now: handed over, it files nothing yet. Else released as on a parent's clear
            // (Release): judged again under its policy, joining its incident, or, back to normal, waiting for a breach. A case
            // reported handled meanwhile is reworked, as on a raise.
            var intake = await services.Filer.Decide(Id, S, rule, now);
            if (intake.SilencedBy is { } next)
            {
                record.SuppressedBy = next;
                AlarmDesk.Note(record, new HistoryEntry(now, "unsuppressed", null, null, "silence:" + silenceId, $"silence {silenceId} ended; silenced by {next}"));
                await Persist();
                await Announce(ruleId, record, AlarmEvents.Updated, now);
                continue;
            }

            await Release(ruleId, record, now, new HistoryEntry(now, "unsuppressed", null, null, "silence:" + silenceId, $"silence {silenceId} ended"), intake.ReopenCaseId);
        }
    }

    // The earliest end of a silence holding an active alarm, if before due (at most SilenceRecheck away: a silence expired
    // early through the API is noticed then).
    private DateTimeOffset SilenceDue(DateTimeOffset due)
    {
        foreach (var (_, record) in S.Alarms) // not .Values: the dictionary would keep that view, 24 bytes on every device
        {
            if (record.AlarmId is not null && record.SuppressedBy is { } silenceId && services.Filer.SilenceEnd(silenceId) is { } end)
            {
                var recheck = services.Time.GetUtcNow() + SilenceRecheck;
                due = new[] { due, end, recheck }.Min();
            }
        }

        return due;
    }
}
