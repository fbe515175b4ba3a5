using CityOps.Grains.Alarms;
using CityOps.Grains.Incidents;
using CityOps.Grains.Storage;
using CityOps.Rules;

namespace CityOps.Grains.Devices;

// The incident side of the device (CONTRACT §8): alarms of a rule that an incident rule groups are reported to the group's
// IncidentGrain, which decides whether they are members of an incident and whose case they file. Runs on the grain's turn.
public sealed partial class DeviceGrain
{
    /// <summary>
    /// Reports a newly raised or more severe alarm to its incident grain and takes the answer. True when the alarm is a member
    /// of an incident: the incident decides its case, so the device files none of its own.
    /// </summary>
    private async Task<bool> ReportIncident(Rule rule, AlarmRecord record, DateTimeOffset at)
    {
        if (record.AlarmId is null || record.SuppressedBy is not null || record.Flapping || record.AwaitsBreach || rule.Maintenance)
        {
            return false;
        }

        record.IncidentKey ??= IncidentKeyOf(rule, record, out _);
        if (record.IncidentKey is null)
        {
            return false;
        }

        var reply = await IncidentOf(record).Report(Report(rule.Id, record, active: true, at));
        await TakeIncident(rule.Id, record, reply.IncidentId, reply.CaseId, at);
        return record.IncidentId is not null;
    }

    /// <summary>The alarm cleared (or ended): its incident hears it once. True when its case is the incident's.</summary>
    private async Task<bool> LeaveIncident(string ruleId, AlarmRecord record, DateTimeOffset at)
    {
        if (record.IncidentKey is null || record.AlarmId is null)
        {
            return record.CaseOfIncident;
        }

        var reply = await IncidentOf(record).Report(Report(ruleId, record, active: false, at));
        record.IncidentKey = null;
        if (reply.IncidentId is not null)
        {
            record.IncidentId = reply.IncidentId;
            record.CaseOfIncident |= reply.CaseId is not null && reply.CaseId == record.CaseId;
        }

        _dirty = true;
        return record.CaseOfIncident;
    }

    public Task JoinedIncident(string alarmId, string incidentId, string? caseId) => this.Guard(JoinedIncidentUnguarded(alarmId, incidentId, caseId));

    private async Task JoinedIncidentUnguarded(string alarmId, string incidentId, string? caseId)
    {
        var (ruleId, record) = S.Alarms.FirstOrDefault(a => a.Value.AlarmId == alarmId);
        if (record?.IncidentKey is null)
        {
            return; // cleared meanwhile: the incident heard that too
        }

        await TakeIncident(ruleId, record, incidentId, caseId, services.Time.GetUtcNow());
    }

    // Re-reports, after a restart, the active alarms whose report may have been lost (reporting is idempotent per alarm).
    private async Task RejoinIncidents()
    {
        var now = services.Time.GetUtcNow();
        foreach (var (ruleId, record) in S.Alarms.ToList())
        {
            if (record is { IncidentKey: not null, AlarmId: not null } && (record.IncidentId is null || !record.CaseFiled) && Rules.FirstOrDefault(r => r.Id == ruleId) is { } rule)
            {
                await ReportIncident(rule, record, now);
            }
        }
    }

    // Membership and the incident's case, as the incident grain tells them: the alarm's case becomes the incident's (unless
    // it filed one of its own before the incident formed), and a pending alarm is filed with it.
    private async Task TakeIncident(string ruleId, AlarmRecord record, string? incidentId, string? caseId, DateTimeOffset at)
    {
        if (incidentId is null || (record.IncidentId == incidentId && (caseId is null || record.CaseOfIncident || (record.CaseFiled && record.CaseId != caseId))))
        {
            return;
        }

        var joined = record.IncidentId != incidentId;
        record.IncidentId = incidentId;
        if (joined)
        {
            AlarmDesk.Note(record, new HistoryEntry(at, "incident", null, incidentId, "incident:" + incidentId, caseId is null ? null : "case " + caseId));
        }

        var filed = false;
        if (caseId is not null && (record.CaseId is null || record.CaseId == caseId || !record.CaseFiled))
        {
            record.CaseId = caseId;
            record.CaseFiled = true;
            record.CaseOfIncident = true;
            if (record.Disposition == AlarmDisposition.Pending)
            {
                record.Disposition = AlarmDisposition.Filed;
                AlarmDesk.Note(record, new HistoryEntry(at, "filed", "pending", "filed", "incident:" + incidentId, "case " + caseId));
                filed = true;
            }
        }

        await Persist();
        await Announce(ruleId, record, filed ? AlarmEvents.Filed : AlarmEvents.Updated, at);
    }

    private IIncidentGrain IncidentOf(AlarmRecord record) => GrainFactory.GetGrain<IIncidentGrain>(record.IncidentKey!);

    private IncidentReport Report(string ruleId, AlarmRecord record, bool active, DateTimeOffset at)
    {
        IncidentKeyOf(Rules.FirstOrDefault(r => r.Id == ruleId), record, out var groupName);
        return new IncidentReport(record.AlarmId!, Id, ruleId, record.Severity, active, record.RaisedAt ?? at, at,
            S.Lat, S.Lon, S.Grid, S.Unit, record.CaseId, groupName, record.LastValue, record.Peak);
    }

    // The incident grain of the rule's incident and the device's group (its zone when the alarm was raised, grid, or attribute).
    private string? IncidentKeyOf(Rule? rule, AlarmRecord record, out string? groupName)
    {
        groupName = null;
        if (rule is null || Judge.RuleSet?.IncidentOf(rule.Id) is not { } incident
            || incident.GroupKey(record.Zones, S.Grid, S.Registration?.Attributes) is not { } group)
        {
            return null;
        }

        groupName = incident.Group.By == CityOps.Rules.Incidents.IncidentGroupBy.Zone ? services.Zones.Current.NameOf(group) ?? group : group;
        return IncidentGrain.Key(incident.Id, group);
    }
}
