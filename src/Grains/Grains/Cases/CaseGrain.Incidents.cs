using System.Collections.Immutable;
using CityOps.Grains.Storage;

namespace CityOps.Grains.Cases;

/// <summary>The case of an incident (CONTRACT §8): filed once, then kept up to date by the incident grain that owns it.</summary>
public sealed partial class CaseGrain
{
    public Task<CaseSnapshot> FileIncident(CaseFiling filing, IncidentCaseUpdate update) => this.Guard(FileIncidentUnguarded(filing, update));

    private async Task<CaseSnapshot> FileIncidentUnguarded(CaseFiling filing, IncidentCaseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(filing);
        ArgumentNullException.ThrowIfNull(update);
        if (_case is null)
        {
            // Filed as the incident's at once, in one case.filed: a case.updated in the same millisecond would be the same
            // point in the cases measurement (InfluxDB) and hide the filing.
            return await File(filing, c => c with
            {
                IncidentId = update.IncidentId,
                Title = update.Title,
                AlarmIds = (c.AlarmIds ?? []).Union(update.AlarmIds, StringComparer.Ordinal).ToImmutableArray(),
                AlarmActive = update.Active,
                Peak = Max(c.Peak, update.Peak),
            });
        }

        var current = _case!;
        var alarmIds = (current.AlarmIds ?? []).Union(update.AlarmIds, StringComparer.Ordinal).ToImmutableArray();
        var next = current with
        {
            IncidentId = update.IncidentId,
            Title = update.Title,
            AlarmIds = alarmIds,
            AlarmActive = update.Active,
            Value = update.Value ?? current.Value,
            Peak = Max(current.Peak, update.Peak),
            UpdatedAt = update.At,
        };
        if (update.Severity > current.Severity)
        {
            next = next with
            {
                Severity = update.Severity,
                History = next.History.Add(new HistoryEntry(update.At, "severity", WireNames.Of(current.Severity), WireNames.Of(update.Severity), "incident:" + update.IncidentId, update.Note)),
            };
        }

        if (current.AlarmActive != update.Active)
        {
            next = next with
            {
                History = next.History.Add(new HistoryEntry(update.At, "alarm", current.AlarmActive ? "active" : "clear", update.Active ? "active" : "clear", "incident:" + update.IncidentId, update.Note)),
            };
        }
        else if (current.IncidentId is null)
        {
            next = next with { History = next.History.Add(new HistoryEntry(update.At, "incident", null, update.IncidentId, "incident:" + update.IncidentId, update.Note)) };
        }

        if (update.Active && !current.AlarmActive && current.Status == CaseStatus.Handled)
        {
            _case = CaseWorkflow.ReworkBySensor(next, update.At, update.Note);
            await SaveAndAnnounce(CaseEventKind.Reworked);
            return _case;
        }

        if (next.IncidentId == current.IncidentId && next.Title == current.Title && next.Severity == current.Severity
            && next.AlarmActive == current.AlarmActive && next.AlarmIds!.Value.SequenceEqual(current.AlarmIds ?? [])
            && next.Value == current.Value && next.Peak == current.Peak)
        {
            return current;
        }

        _case = next;
        await SaveAndAnnounce(CaseEventKind.Updated);
        return _case;
    }
}
