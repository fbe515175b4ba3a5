namespace CityOps.Grains.Kpis;

/// <summary>The counts of one row while the cases are gone through; <see cref="ToRow"/> adds the rates.</summary>
internal sealed class KpiTally
{
    public int Dispatched;
    public int Returned;
    public int Reassigned;
    public int Postponed;
    public int ToHandle;
    public int CarriedOver;
    public int Handled;
    public int HandledOnTime;
    public int Closed;
    public int ClosedOnTime;
    public int Reworked;
    public int OverdueUnhandled;
    public int Deferred;
    public int Cancelled;
    public int ToVerify;
    public int VerifiedOnTime;

    public KpiRow ToRow(string? unit, string? area, string? level, KpiOptions options)
    {
        var toClose = options.SubtractDeferredFromToClose ? ToHandle - Deferred : ToHandle;
        var reworkBase = options.ReworkBase == "toClose" ? toClose : Handled;
        return new KpiRow(
            unit, area, level, Dispatched, Returned, Reassigned, Postponed, ToHandle, CarriedOver, Handled, HandledOnTime,
            toClose, Closed, ClosedOnTime, Reworked, OverdueUnhandled, Deferred, Cancelled, ToVerify, VerifiedOnTime,
            Rate(Handled, ToHandle), Rate(HandledOnTime, ToHandle), Rate(Closed, toClose), Rate(ClosedOnTime, toClose),
            Rate(Reworked, reworkBase), Rate(OverdueUnhandled, ToHandle),
            Dispatched == 0 ? null : Math.Round(1 - ((double)(Returned + Reassigned) / Dispatched), 4),
            Rate(VerifiedOnTime, ToVerify), Rate(Postponed, Dispatched));
    }

    private static double? Rate(int part, int whole) => whole <= 0 ? null : Math.Round((double)part / whole, 4);
}
