using System.Globalization;

namespace CityOps.LoadTest;

/// <summary>One run at one rate, as JSON and as a table row.</summary>
public sealed record LoadReport(
    int TargetRate,
    double PublishedRate,
    int DurationSeconds,
    int Qos,
    int Devices,
    long Sent,
    long PublishFailed,
    long Accepted,
    long Rejected,
    long? Stored,
    long Lost,
    double SustainedRate,
    double LagP50Ms,
    double LagP95Ms,
    double LagP99Ms,
    double LagMaxBoundMs,
    int Crossings,
    int CasesVisible,
    string CaseMethod,
    double? CaseP50Ms,
    double? CaseP99Ms,
    double? CaseMaxMs,
    double CpuSeconds,
    double CpuCores,
    double PeakMemoryMb)
{
    public static string Header =>
        $"{"rate",8} {"sent/s",8} {"sent",9} {"accepted",9} {"lost",6} {"stored",9} {"sustain/s",9} {"p50 ms",7} {"p95 ms",7} {"p99 ms",7} {"max≤ ms",8} {"cases",7} {"case p99",9} {"cpu",5} {"mem MB",7}";

    public string Row =>
        $"{TargetRate,8} {PublishedRate,8:0} {Sent,9} {Accepted,9} {Lost,6} {(Stored?.ToString(CultureInfo.InvariantCulture) ?? "-"),9} {SustainedRate,9:0} {LagP50Ms,7:0.0} {LagP95Ms,7:0.0} {LagP99Ms,7:0.0} {LagMaxBoundMs,8:0} " +
        $"{CasesVisible + "/" + Crossings,7} {(CaseP99Ms is { } p ? p.ToString("0.0", CultureInfo.InvariantCulture) : "-"),9} {CpuCores,5:0.00} {PeakMemoryMb,7:0}";
}
