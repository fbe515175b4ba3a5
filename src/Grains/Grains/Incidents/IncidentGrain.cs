using System.Collections.Immutable;
using System.Globalization;
using CityOps.Grains.Cases;
using CityOps.Grains.Devices;
using CityOps.Grains.RuleSets;
using CityOps.Grains.Storage;
using CityOps.Rules;
using CityOps.Rules.Incidents;

namespace CityOps.Grains.Incidents;

/// <summary>
/// The owner of one incident rule's group (key <c>{incident rule id}/{group key}</c>; CONTRACT §8). Device grains report the
/// alarms of the rule's member rules here; the grain forms the incident when <c>min</c> devices have alarms raised within
/// <c>within</c> of each other, files its one case (or adopts the case a member already filed), keeps the case's severity,
/// title and members current, and clears the incident with the last member. Orleans keeps one activation per key in the
/// cluster and the grain is not reentrant, so the group's reports are taken one at a time: an incident is never formed or
/// filed twice. Its state is written (case id included) before the case is filed, so a crash files the same case again.
/// Device grains are told of membership one-way: this grain never waits on a device grain, which may be waiting on it.
/// </summary>
public sealed class IncidentGrain(
    [PersistentState("incident", "cityops")] IPersistentState<IncidentState> state,
    RuleCatalog rules,
    IIncidentStore store,
    CaseEventHub hub,
    [FromKeyedServices(CityOpsTime.Key)] TimeProvider time) : Grain, IIncidentGrain
{
    private IncidentState S => state.State;

    private string RuleId => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().IndexOf('/', StringComparison.Ordinal)];

    private string GroupKey => this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>The grain key of an incident rule's group.</summary>
    public static string Key(string incidentRuleId, string groupKey) => incidentRuleId + "/" + groupKey;

    public static string NewIncidentId(DateTimeOffset at) =>
        "in-" + at.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 4).ToLowerInvariant();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A crash between persisting the case id and filing it: file it now (filing is idempotent per case id).
        if (S.IncidentId is not null && S.CaseId is not null && !S.CaseFiled && rules.Current.FindIncident(RuleId) is { } rule)
        {
            await FileCase(rule, time.GetUtcNow(), "incident case filed after a restart");
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public Task<IncidentReply> Report(IncidentReport report) => this.Guard(ReportUnguarded(report));

    private async Task<IncidentReply> ReportUnguarded(IncidentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (rules.Current.FindIncident(RuleId) is not { } rule)
        {
            return S.IncidentId is null ? IncidentReply.None : new IncidentReply(S.IncidentId, S.CaseId);
        }

        return report.Active ? await Raised(rule, report) : await Cleared(rule, report);
    }

    public Task<string?> File(string alarmId, string by) => this.Guard(FileUnguarded(alarmId, by));

    private async Task<string?> FileUnguarded(string alarmId, string by)
    {
        if (S.IncidentId is null || !S.Members.ContainsKey(alarmId) || rules.Current.FindIncident(RuleId) is not { } rule)
        {
            return null;
        }

        if (S.CaseId is null)
        {
            var now = time.GetUtcNow();
            S.CaseId = DeviceCaseFiler.NewCaseId(now);
            await state.WriteStateAsync();
            await FileCase(rule, now, "filed by " + by);
            await Announce(rule, IncidentEvents.Updated, now);
            TellMembers(except: null);
            await state.WriteStateAsync();
        }

        return S.CaseId;
    }

    private async Task<IncidentReply> Raised(IncidentRule rule, IncidentReport report)
    {
        if (S.Members.TryGetValue(report.AlarmId, out var member) && !member.Active)
        {
            return Reply(member); // a late report of an alarm already cleared here
        }

        var joined = member is null;
        var worse = member is not null && report.Severity > member.Severity;
        member ??= S.Members[report.AlarmId] = new IncidentMemberState { AlarmId = report.AlarmId, DeviceId = report.DeviceId, RuleId = report.RuleId, RaisedAt = report.RaisedAt };
        if (report.Severity > member.Severity)
        {
            member.Severity = report.Severity;
        }

        (member.Lat, member.Lon, member.Grid, member.Unit) = (report.Lat ?? member.Lat, report.Lon ?? member.Lon, report.Grid ?? member.Grid, report.Unit ?? member.Unit);
        member.OwnCaseId ??= report.OwnCaseId;
        (member.Value, member.Peak) = (report.Value ?? member.Value, report.Peak is { } peak && !(member.Peak >= peak) ? peak : member.Peak);
        S.GroupName ??= report.GroupName;

        string? eventName = null;
        if (S.IncidentId is null)
        {
            // Alarms raised within the window of this one, on distinct devices: enough of them make the incident.
            if (!rule.Forms(S.Members.Values.Where(m => m.Active).Select(m => (m.DeviceId, m.RaisedAt)), report.RaisedAt))
            {
                if (joined || worse)
                {
                    await state.WriteStateAsync();
                }

                return IncidentReply.None;
            }

            S.IncidentId = NewIncidentId(report.At);
            S.OpenedAt = report.At;
            S.Severity = Severity.None;
            eventName = IncidentEvents.Opened;
            IncidentMetrics.Opened.WithLabels(rule.Id).Inc();
            IncidentMetrics.Members.WithLabels(rule.Id).Inc(S.Members.Values.Count(m => m.Active));
        }
        else if (joined || worse)
        {
            eventName = IncidentEvents.Updated;
            IncidentMetrics.Members.WithLabels(rule.Id).Inc(joined ? 1 : 0);
        }

        if (eventName is null)
        {
            return Reply(member);
        }

        var worst = S.Members.Values.Where(m => m.Active).Select(m => m.Severity).Append(S.Severity).Max();
        S.Severity = worst;
        if (S.CaseId is null)
        {
            // An alarm that already filed a case (an earlier reporter: it was told to file its own) gives the incident that case;
            // else the reporter's case about to be filed; else the incident files its own when its case: policy files at its
            // worst severity (a person's `file` on a member files it otherwise).
            S.CaseId = S.Members.Values.Where(m => m.OwnCaseId is not null && m != member).OrderBy(m => m.RaisedAt).FirstOrDefault()?.OwnCaseId
                ?? member.OwnCaseId
                ?? (worst > Severity.None && rule.Case.FilesAt(worst) ? DeviceCaseFiler.NewCaseId(report.At) : null);
            S.CaseFiled = false;
        }

        await state.WriteStateAsync();
        if (S.CaseId is not null)
        {
            await FileCase(rule, report.At, eventName == IncidentEvents.Opened ? $"incident {S.IncidentId} formed" : $"alarm {report.AlarmId} ({report.DeviceId}) joined");
        }

        await Announce(rule, eventName, report.At);
        TellMembers(except: member);
        await state.WriteStateAsync();
        return Reply(member);
    }

    private async Task<IncidentReply> Cleared(IncidentRule rule, IncidentReport report)
    {
        if (!S.Members.TryGetValue(report.AlarmId, out var member) || !member.Active)
        {
            return member is null ? IncidentReply.None : Reply(member);
        }

        if (S.IncidentId is null)
        {
            S.Members.Remove(report.AlarmId);
            await state.WriteStateAsync();
            return IncidentReply.None;
        }

        member.ClearedAt = report.At;
        var reply = Reply(member);
        var last = !S.Members.Values.Any(m => m.Active);
        await state.WriteStateAsync();
        if (S.CaseId is not null)
        {
            await FileCase(rule, report.At, last ? $"all {S.Members.Count} alarms of incident {S.IncidentId} cleared" : $"alarm {report.AlarmId} ({report.DeviceId}) cleared");
        }

        await Announce(rule, last ? IncidentEvents.Cleared : IncidentEvents.Updated, report.At, last ? report.At : null);
        if (last)
        {
            // The incident is over: the next alarms of the group start a new one.
            state.State = new IncidentState { GroupName = S.GroupName };
            await state.WriteStateAsync();
        }

        return reply;
    }

    private IncidentReply Reply(IncidentMemberState member)
    {
        if (S.IncidentId is null)
        {
            return IncidentReply.None;
        }

        (member.ToldIncident, member.ToldCase) = (S.IncidentId, S.CaseId);
        return new IncidentReply(S.IncidentId, S.CaseId);
    }

    // Files the incident's case (once; idempotent per id) and brings it up to date: title, worst severity, members, active.
    private async Task FileCase(IncidentRule rule, DateTimeOffset at, string note)
    {
        var first = S.Members.Values.OrderBy(m => m.RaisedAt).ThenBy(m => m.AlarmId, StringComparer.Ordinal).First();
        var resolve = Resolver();
        var code = rule.Case.RenderCode(resolve);
        var kind = rules.Current.Find(first.RuleId)?.Kind ?? "";
        code = string.IsNullOrWhiteSpace(code) ? rules.Current.Kinds.DefaultCaseCode(kind) : code;
        var title = rule.Case.RenderTitle(resolve);
        // The case's value: the worst active member's at its last report (the latest raised among equals); its peak: the
        // highest of any member's.
        var worst = S.Members.Values.Where(m => m.Active && m.Value is not null).OrderByDescending(m => m.Severity).ThenByDescending(m => m.RaisedAt).FirstOrDefault();
        var filing = new CaseFiling(code, title, S.Severity, first.DeviceId, first.RuleId, first.Lat, first.Lon, first.Grid, first.Unit,
            worst?.Value, at, "incident:" + S.IncidentId, $"incident {S.IncidentId} ({rule.Id}, {GroupKey})", AlarmId: first.AlarmId);
        var update = new IncidentCaseUpdate(S.IncidentId!, at, title, S.Severity,
            [.. S.Members.Values.OrderBy(m => m.RaisedAt).Select(m => m.AlarmId)], S.Members.Values.Any(m => m.Active), note,
            worst?.Value, S.Members.Values.Max(m => m.Peak));
        await GrainFactory.GetGrain<ICaseGrain>(S.CaseId!).FileIncident(filing, update);
        S.CaseFiled = true;
    }

    private async Task Announce(IncidentRule rule, string eventName, DateTimeOffset at, DateTimeOffset? clearedAt = null)
    {
        await store.SaveAsync(Snapshot(rule, at, clearedAt), eventName, at);
        hub.NotifyLogGrew();
    }

    private IncidentSnapshot Snapshot(IncidentRule rule, DateTimeOffset at, DateTimeOffset? clearedAt)
    {
        var resolve = Resolver();
        return new IncidentSnapshot(
            S.IncidentId!, rule.Id, GroupKey, S.GroupName, clearedAt is null ? IncidentStatus.Open : IncidentStatus.Cleared, S.Severity,
            rule.Case.RenderCode(resolve), rule.Case.RenderTitle(resolve), S.CaseId, S.Members.Values.Count(m => m.Active),
            S.OpenedAt, at > S.OpenedAt ? at : S.OpenedAt, clearedAt, [.. S.Members.Values.OrderBy(m => m.RaisedAt).ThenBy(m => m.AlarmId, StringComparer.Ordinal).Select(m => m.ToMember())]);
    }

    private Func<string, string?> Resolver()
    {
        var count = S.Members.Values.Count(m => m.Active);
        return name => name switch
        {
            "zone.name" or "group.name" => S.GroupName ?? GroupKey,
            "zone.id" or "group" => GroupKey,
            "count" => count.ToString(CultureInfo.InvariantCulture),
            "severity" => WireNames.Of(S.Severity),
            _ => null,
        };
    }

    // One-way: the devices of members who do not yet know the incident (or its case) hear of it after this turn.
    private void TellMembers(IncidentMemberState? except)
    {
        foreach (var member in S.Members.Values)
        {
            if (member.Active && member != except && (member.ToldIncident != S.IncidentId || member.ToldCase != S.CaseId))
            {
                (member.ToldIncident, member.ToldCase) = (S.IncidentId, S.CaseId);
                _ = GrainFactory.GetGrain<IDeviceGrain>(member.DeviceId).JoinedIncident(member.AlarmId, S.IncidentId!, S.CaseId);
            }
        }
    }
}
