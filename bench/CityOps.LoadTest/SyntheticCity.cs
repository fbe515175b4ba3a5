using System.Globalization;
using System.Text;

namespace CityOps.LoadTest;

/// <summary>
/// N devices of the four kinds (10% gauges, 50% covers, 30% lamps, 10% trucks) spread over the demo
/// city's area, each publishing normal readings (under every shipped threshold). Crossings are
/// covers tilted to 35°, each on a device of its own (named after the run), so every crossing must
/// raise one new case. The ordinary devices keep their names across runs, so a second run finds them active.
/// </summary>
public sealed class SyntheticCity(int devices)
{
    private const double Lat0 = 35.290, Lon0 = 113.910;

    public int Devices => devices;

    public static (string Topic, string Kind) Device(int index)
    {
        var kind = (index % 10) switch
        {
            0 => "waterlog",
            < 6 => "manhole",
            < 9 => "streetlight",
            _ => "vehicle",
        };
        return ($"city/{kind}/LT-{index}/telemetry", kind);
    }

    public static byte[] NormalReading(int index, long seq, long tsMs)
    {
        var (_, kind) = Device(index);
        var metrics = kind switch
        {
            "waterlog" => $$"""{"depth_cm":{{(seq % 50) / 10.0}},"battery_pct":80}""",
            "manhole" => $$"""{"tilt_deg":{{(seq % 20) / 10.0}},"open":0,"water_gap_cm":80,"gas_ch4_lel":1.5,"battery_pct":77,"temp_c":21.5}""",
            "streetlight" => """{"on":0,"current_a":0,"voltage_v":221.5,"power_w":0}""",
            _ => $$"""{"speed_kmh":{{20 + seq % 15}},"heading_deg":90,"lid_closed":1}""",
        };
        var position = kind == "vehicle" ? Position(index, seq) : "";
        return Encoding.UTF8.GetBytes($$"""{"ts":{{tsMs}},"seq":{{seq}},"metrics":{{metrics}}{{position}}}""");
    }

    public static (string Topic, byte[] Payload) Crossing(string runId, int number, long tsMs) =>
        ($"city/manhole/LT{runId}-X{number}/telemetry",
            Encoding.UTF8.GetBytes($$$"""{"ts":{{{tsMs}}},"seq":1,"metrics":{"tilt_deg":35,"open":0,"battery_pct":77}}"""));

    public static string CrossingDevice(string runId, int number) => $"LT{runId}-X{number}";

    private static string Position(int index, long seq) => string.Create(CultureInfo.InvariantCulture,
        $",\"lat\":{Lat0 + (index % 100) * 0.0002 + (seq % 10) * 0.00001:0.######},\"lon\":{Lon0 + (index / 100 % 100) * 0.0003:0.######}");
}
