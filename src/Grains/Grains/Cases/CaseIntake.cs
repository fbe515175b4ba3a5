using CityOps.Grains.Storage;

namespace CityOps.Grains.Cases;

/// <summary>
/// Decides, where a device grain would raise a case, whether it should: a silence (maintenance window)
/// may hold, or the alarm may be the return of one whose case was reported handled (that case is
/// reworked instead of a new one being filed).
/// </summary>
public sealed class CaseIntake(ICaseStore store, Silences.SilenceBook silences)
{
    public async Task<CaseIntakeDecision> DecideAsync(string deviceId, string ruleId, string? grid, double? lat, double? lon, DateTimeOffset at)
    {
        if (silences.Matching(deviceId, ruleId, grid, lat, lon, at) is { } silence)
        {
            CityOpsMetrics.AlarmsSilenced.Inc();
            return new CaseIntakeDecision(silence.Id, null);
        }

        var handled = (await store.QueryAsync(new CaseQuery(Status: CaseStatus.Handled, DeviceId: deviceId, PageSize: 20)))
            .Items.FirstOrDefault(c => c.RuleId == ruleId);
        return handled is null ? CaseIntakeDecision.NewCase : new CaseIntakeDecision(null, handled.Id);
    }

    /// <summary>When the silence <paramref name="silenceId"/> ends (its end, or when it was expired early); null when there is no such silence.</summary>
    public DateTimeOffset? SilenceEnd(string silenceId) =>
        silences.Find(silenceId) is { } silence ? (silence.ExpiredAt is { } expired && expired < silence.EndsAt ? expired : silence.EndsAt) : null;
}
