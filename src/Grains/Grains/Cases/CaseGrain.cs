using CityOps.Grains.Routing;
using CityOps.Grains.Storage;

namespace CityOps.Grains.Cases;

/// <summary>
/// One case: filed by a device grain (or a person), moved through the workflow by actions, kept
/// current by its alarm. Status and severity changes are written at once; a value-only change is
/// written at most every few seconds, since a storm updates every open case on every reading.
/// </summary>
public sealed partial class CaseGrain(
    ICaseStore store,
    CaseEventHub events,
    RoutingCatalog routing,
    CaseCodeBook codes,
    IOptions<CasesOptions> options,
    [FromKeyedServices(CityOpsTime.Key)] TimeProvider time,
    ILogger<CaseGrain> logger)
    : Grain, ICaseGrain
{
    private static readonly TimeSpan ValueFlushInterval = TimeSpan.FromSeconds(5);

    private CaseSnapshot? _case;
    private bool _dirty;
    private DateTimeOffset _lastWrite;
    private IGrainTimer? _flushTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _case = await store.FindAsync(this.GetPrimaryKeyString());
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty && _case is not null)
        {
            await store.SaveAsync(_case);
        }
    }

    public Task<CaseSnapshot> File(CaseFiling filing) => this.Guard(File(filing, null));

    // A case new to this grain is filed with one case.filed; an incident's case (incident not null) carries its incident's
    // id, title and alarms in that event already.
    private async Task<CaseSnapshot> File(CaseFiling filing, Func<CaseSnapshot, CaseSnapshot>? incident)
    {
        if (_case is not null)
        {
            // The device grain files an existing case again after a crash (nothing to do), or when the
            // alarm of a handled case came back (the handling did not hold: rework).
            if (_case.Status == CaseStatus.Handled && !_case.AlarmActive && filing.RuleId is not null && filing.RuleId == _case.RuleId)
            {
                _case = CaseWorkflow.ReworkBySensor(_case, filing.At, filing.Value is { } v ? $"value {v:0.##}" : null) with
                {
                    AlarmActive = true,
                    Value = filing.Value ?? _case.Value,
                    Peak = Max(_case.Peak, filing.Value),
                    UpdatedAt = filing.At,
                    AlarmIds = filing.AlarmId is { } alarmId && !(_case.AlarmIds ?? []).Contains(alarmId) ? (_case.AlarmIds ?? []).Add(alarmId) : _case.AlarmIds,
                };
                await SaveAndAnnounce(CaseEventKind.Reworked);
            }

            return _case;
        }

        var (type, code) = codes.Resolve(filing.Code, filing.CodeType);
        var route = routing.Current.Decide(code, filing.Grid, filing.Unit, filing.At, type, filing.Severity, codes);
        _case = CaseWorkflow.File(this.GetPrimaryKeyString(), filing, route, codes);
        _case = incident?.Invoke(_case) ?? _case;
        await SaveAndAnnounce(CaseEventKind.Filed);
        CityOpsMetrics.CasesRaised.Inc();
        CityOpsMetrics.CasesRaisedByCode.WithLabels(_case.Code).Inc();
        if (route.AutoDispatch && _case.Unit is not null)
        {
            var (dispatched, _) = CaseWorkflow.Apply(_case, new CaseAction(CaseActionKind.Dispatch, null, "auto-dispatched by routing", "system:routing", null), filing.At, routing.Current);
            if (dispatched is not null)
            {
                _case = dispatched;
                await SaveAndAnnounce(CaseEventKind.Dispatched);
            }
        }

        return _case;
    }

    public Task AlarmChanged(AlarmUpdate update) => this.Guard(AlarmChangedUnguarded(update));

    private async Task AlarmChangedUnguarded(AlarmUpdate update)
    {
        if (_case is null)
        {
            LogUnknownCase(logger, this.GetPrimaryKeyString());
            return;
        }

        var current = _case;
        var next = current with
        {
            Value = update.Value ?? current.Value,
            Peak = update.Peak ?? current.Peak,
            AlarmActive = update.Active,
            UpdatedAt = update.At,
        };

        var significant = false;
        if (update.Severity > current.Severity)
        {
            var route = routing.Current.Decide(current.Code, current.Grid, current.Unit, update.At, current.CodeType, update.Severity, codes);
            next = CaseWorkflow.Escalate(next, update.Severity, route, update.At, "rule:" + current.RuleId, update.Note, routing.Current);
            significant = true;
        }

        if (update.Active && !current.AlarmActive && current.Status == CaseStatus.Handled)
        {
            next = CaseWorkflow.ReworkBySensor(next, update.At, update.Note);
            _case = next;
            await SaveAndAnnounce(CaseEventKind.Reworked);
            return;
        }

        if (current.AlarmActive != update.Active)
        {
            next = next with
            {
                History = next.History.Add(new HistoryEntry(update.At, "alarm", current.AlarmActive ? "active" : "clear",
                    update.Active ? "active" : update.ByReadings ? "clear" : "ended", "rule:" + current.RuleId, update.Note)),
            };
            significant = true;
        }

        _case = next;
        if (significant)
        {
            await SaveAndAnnounce(CaseEventKind.Updated);
        }
        else if (time.GetUtcNow() - _lastWrite >= ValueFlushInterval)
        {
            await Save();
        }
        else
        {
            _dirty = true;
            _flushTimer ??= this.RegisterGrainTimer(FlushAsync, ValueFlushInterval, ValueFlushInterval);
        }
    }

    public Task<CaseActionResult> Act(CaseAction action) => this.Guard(ActUnguarded(action));

    private async Task<CaseActionResult> ActUnguarded(CaseAction action)
    {
        if (_case is null)
        {
            return new CaseActionResult(null, $"Case {this.GetPrimaryKeyString()} does not exist.", NotFound: true);
        }

        var outcome = CaseWorkflow.Apply(_case, action, time.GetUtcNow(), routing.Current);
        if (outcome.Case is null)
        {
            return new CaseActionResult(null, outcome.Error, Forbidden: outcome.Forbidden);
        }

        _case = outcome.Case;
        await SaveAndAnnounce(EventOf(action.Action));
        return new CaseActionResult(_case, null);
    }

    public Task<CaseSnapshot?> Get() => Task.FromResult(_case);

    public Task<CaseSnapshot?> Tick() => this.Guard(TickUnguarded());

    private async Task<CaseSnapshot?> TickUnguarded()
    {
        if (_case is not null && CaseWorkflow.Tick(_case, time.GetUtcNow(), options.Value.SensorVerifyAfter, options.Value.AutoSupervise) is var (next, eventKind))
        {
            _case = next;
            await SaveAndAnnounce(eventKind);
            if (eventKind == CaseEventKind.Overdue)
            {
                CityOpsMetrics.CasesOverdueTotal.Inc();
            }
        }

        return _case;
    }

    private async Task FlushAsync()
    {
        if (_dirty)
        {
            await Save();
        }
    }

    private async Task SaveAndAnnounce(CaseEventKind eventKind)
    {
        var logged = await store.SaveAsync(_case!, eventKind, time.GetUtcNow());
        _dirty = false;
        _lastWrite = time.GetUtcNow();
        events.Publish(new CaseEvent(eventKind, _case!, logged.Sequence));
        CityOpsMetrics.CaseChanges.WithLabels(WireNames.Of(eventKind)).Inc();
    }

    private async Task Save()
    {
        await store.SaveAsync(_case!);
        _dirty = false;
        _lastWrite = time.GetUtcNow();
    }

    private static CaseEventKind EventOf(CaseActionKind action) => action switch
    {
        CaseActionKind.Dispatch => CaseEventKind.Dispatched,
        CaseActionKind.Handle => CaseEventKind.Handled,
        CaseActionKind.Verify => CaseEventKind.Verified,
        CaseActionKind.Close => CaseEventKind.Closed,
        CaseActionKind.Cancel => CaseEventKind.Cancelled,
        CaseActionKind.Rework => CaseEventKind.Reworked,
        CaseActionKind.Postpone or CaseActionKind.ApprovePostpone => CaseEventKind.Postponed,
        CaseActionKind.Return => CaseEventKind.Returned,
        CaseActionKind.Reassign => CaseEventKind.Reassigned,
        CaseActionKind.RequestPostpone => CaseEventKind.PostponeRequested,
        CaseActionKind.RejectPostpone => CaseEventKind.PostponeRejected,
        CaseActionKind.Defer => CaseEventKind.Deferred,
        CaseActionKind.Resume => CaseEventKind.Resumed,
        CaseActionKind.Supervise => CaseEventKind.Supervised,
        _ => CaseEventKind.Updated,
    };

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alarm update for case {CaseId}, which does not exist")]
    private static partial void LogUnknownCase(ILogger logger, string caseId);
}
