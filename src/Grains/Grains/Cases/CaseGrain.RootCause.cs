using CityOps.Grains.Storage;

namespace CityOps.Grains.Cases;

/// <summary>
/// A case whose alarm a root cause suppressed after it was filed (CONTRACT §8; docs/alarms.md): the case stays open and
/// in its workflow (no one's work is closed behind their back); its history names the root cause, and later its end.
/// </summary>
public sealed partial class CaseGrain
{
    public Task RootCause(DateTimeOffset at, string? rootCauseAlarmId, string note) => this.Guard(RootCauseUnguarded(at, rootCauseAlarmId, note));

    private async Task RootCauseUnguarded(DateTimeOffset at, string? rootCauseAlarmId, string note)
    {
        if (_case is null)
        {
            LogUnknownCase(logger, this.GetPrimaryKeyString());
            return;
        }

        var entry = rootCauseAlarmId is null
            ? new HistoryEntry(at, "root-cause", null, "cleared", "rule:" + _case.RuleId, note)
            : new HistoryEntry(at, "root-cause", null, rootCauseAlarmId, "rule:" + _case.RuleId, note);
        _case = _case with { History = _case.History.Add(entry), UpdatedAt = at };
        await SaveAndAnnounce(CaseEventKind.Updated);
    }
}
