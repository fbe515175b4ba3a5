using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Orleans.Storage;

namespace CityOps.Grains.Devices;

// One turn at a time, whoever starts it. Orleans runs the grain's calls one after another; readings from this silo's own
// ingest arrive without an Orleans message (LocalDevices): the dispatcher takes the turn when it is free, judges on its own
// thread and, at the first step that needs the grain's context (a change to handle, a write, a call to another grain),
// moves onto the activation's scheduler (ToGrainContext). Every Orleans call waits for such a turn to end (Invoke), so
// readings are still judged in order and never beside another call. A plain reading (no change) never leaves the
// dispatcher's thread: no message, no scheduling, no response.
public sealed partial class DeviceGrain : IIncomingGrainCallFilter
{
    private TurnGate _turn;
    private bool _offContext; // judging on the dispatcher's thread, not yet moved onto the activation's scheduler
    private bool _gone; // deactivated, or being deactivated after a failed write: no turn starts here any more

    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        await _turn.Take();
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (StorageUnavailableException.Caused(ex) || ex is InconsistentStateException)
        {
            _gone = true; // being deactivated (StorageFailure, or by Orleans): what it holds is not what is stored
            throw;
        }
        finally
        {
            _turn.End();
        }
    }

    /// <summary>Judges <paramref name="readings"/> in a turn started here, when none is running; false otherwise.</summary>
    internal bool TryIngestHere(ImmutableArray<Reading> readings, out ValueTask<IngestResult> judged)
    {
        judged = default;
        if (_gone || !_turn.TryTake())
        {
            return false;
        }

        if (_gone || S.Registration is null)
        {
            // Deactivated meanwhile, or not yet registered (the first reading registers it: a call does that).
            _turn.End();
            return false;
        }

        _offContext = true;
        judged = IngestHere(readings);
        return true;
    }

    private async ValueTask<IngestResult> IngestHere(ImmutableArray<Reading> readings)
    {
        try
        {
            return await Ingest(readings);
        }
        finally
        {
            _offContext = false;
            _turn.End();
        }
    }

    // Before a step that needs the grain's context: moves the rest of a turn started by the dispatcher onto the activation.
    // Awaited only in Ingest and JudgeReadings themselves: in a method they call, it would move that method alone, and the
    // caller would go on beside it.
    private GrainContextSwitch ToGrainContext()
    {
        if (!_offContext)
        {
            return default;
        }

        _offContext = false;
        return new GrainContextSwitch(GrainContext.Scheduler);
    }

    // Awaited: the rest of the method runs as a work item of the activation (its scheduler, its context).
    private readonly struct GrainContextSwitch(IWorkItemScheduler? activation) : INotifyCompletion
    {
        public bool IsCompleted => activation is null;

        public GrainContextSwitch GetAwaiter() => this;

        public void OnCompleted(Action continuation) => activation!.QueueAction(continuation);

        public void GetResult()
        {
        }
    }
}
