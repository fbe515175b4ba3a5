using CityOps.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Cases;

/// <summary>
/// One case: filed by a device grain (or a person), moved through the workflow by actions, kept
/// current by its alarm. Status and severity changes are written at once; a value-only change is
/// written at most every few seconds, since a storm updates every open case on every reading.
/// </summary>
public sealed partial class CaseGrain(ICaseStore store, CaseEventHub events, [FromKeyedServices(CityOpsTime.Key)] TimeProvider time, ILogger<CaseGrain> logger)
    : Grain, ICaseGrain
{
    private static readonly TimeSpan ValueFlushInterval = TimeSpan.FromSeconds(5);

    private CaseSnapshot? _case;
    private bool _dirty;
    private DateTimeOffset _lastWrite;
    private IGrainTimer? _flushTimer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _case = store.Find(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty && _case is not null)
        {
            await store.SaveAsync(_case);
        }
    }

    public async Task<CaseSnapshot> File(CaseFiling filing)
    {
        if (_case is not null)
        {
            return _case;
        }

        _case = CaseWorkflow.File(this.GetPrimaryKeyString(), filing);
        await SaveAndAnnounce("case.filed");
        CityOpsMetrics.CasesRaised.WithLabels(_case.Code).Inc();
        return _case;
    }

    public async Task AlarmChanged(AlarmUpdate update)
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
        if (SeverityRank(update.Severity) > SeverityRank(current.Severity))
        {
            next = next with
            {
                Severity = update.Severity,
                History = next.History.Add(new CaseEntry(update.At, "severity", current.Severity, update.Severity, "rule:" + current.RuleId, update.Note)),
            };
            significant = true;
        }

        if (current.AlarmActive != update.Active)
        {
            next = next with
            {
                History = next.History.Add(new CaseEntry(update.At, "alarm", current.AlarmActive ? "active" : "clear", update.Active ? "active" : "clear", "rule:" + current.RuleId, update.Note)),
            };
            significant = true;
        }

        _case = next;
        if (significant)
        {
            await SaveAndAnnounce("case.updated");
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

    public async Task<CaseActionResult> Act(CaseAction action)
    {
        if (_case is null)
        {
            return new CaseActionResult(null, $"Case {this.GetPrimaryKeyString()} does not exist.", NotFound: true);
        }

        var (next, error) = CaseWorkflow.Apply(_case, action, time.GetUtcNow());
        if (next is null)
        {
            return new CaseActionResult(null, error);
        }

        _case = next;
        await SaveAndAnnounce(EventName(action.Action));
        return new CaseActionResult(_case, null);
    }

    public Task<CaseSnapshot?> Get() => Task.FromResult(_case);

    private async Task FlushAsync()
    {
        if (_dirty)
        {
            await Save();
        }
    }

    private async Task SaveAndAnnounce(string eventName)
    {
        await Save();
        events.Publish(new CaseEvent(eventName, _case!));
        CityOpsMetrics.CaseChanges.WithLabels(eventName).Inc();
    }

    private async Task Save()
    {
        await store.SaveAsync(_case!);
        _dirty = false;
        _lastWrite = time.GetUtcNow();
    }

    private static string EventName(string action) => action switch
    {
        "dispatch" => "case.dispatched",
        "handle" => "case.handled",
        "verify" => "case.verified",
        "close" => "case.closed",
        "cancel" => "case.cancelled",
        "rework" => "case.reworked",
        "postpone" => "case.postponed",
        _ => "case.updated",
    };

    private static int SeverityRank(string severity) => severity switch
    {
        "blue" => 1,
        "yellow" => 2,
        "orange" => 3,
        "red" => 4,
        _ => 0,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alarm update for case {CaseId}, which does not exist")]
    private static partial void LogUnknownCase(ILogger logger, string caseId);
}
