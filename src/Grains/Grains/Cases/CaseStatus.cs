namespace CityOps.Grains.Cases;

/// <summary>Case statuses of the GB/T 30428 workflow (立案 → 派遣 → 处置 → 核查 → 结案).</summary>
public static class CaseStatus
{
    public const string Filed = "filed";
    public const string Dispatched = "dispatched";
    public const string Handled = "handled";
    public const string Verified = "verified";
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> All = [Filed, Dispatched, Handled, Verified, Closed];

    public static bool IsOpen(string status) => status != Closed;
}
