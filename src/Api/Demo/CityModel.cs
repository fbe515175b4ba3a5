using System.Buffers;
using System.Text.Json;

namespace CityOps.Api.Demo;

/// <summary>A device of the demo city, where it stands (vehicles: where they start), and its attributes (<c>catchment</c>, <c>parent</c>).</summary>
public sealed record DemoDevice(string Id, string Kind, double Lat, double Lon, IReadOnlyDictionary<string, string>? Attributes = null)
{
    public string? Attribute(string name) => Attributes?.GetValueOrDefault(name);
}

/// <summary>One reading the model produced, ready to publish on <see cref="Topic"/>.</summary>
public sealed record DemoReading(string DeviceId, string Kind, long Seq, DateTimeOffset At, IReadOnlyList<(string Name, double Value)> Metrics, double? Lat, double? Lon)
{
    public string Topic => $"city/{Kind}/{DeviceId}/telemetry";

    /// <summary>The payload of CONTRACT section 2 (epoch-millisecond <c>ts</c>).</summary>
    public byte[] ToPayload()
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("ts", At.ToUnixTimeMilliseconds());
            json.WriteNumber("seq", Seq);
            json.WriteStartObject("metrics");
            foreach (var (name, value) in Metrics)
            {
                json.WriteNumber(name, value);
            }

            json.WriteEndObject();
            if (Lat is { } lat && Lon is { } lon)
            {
                json.WriteNumber("lat", lat);
                json.WriteNumber("lon", lon);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// The demo city's physics, without I/O or clocks: given the seconds since the simulator started,
/// which devices report and what they read. Deterministic for a seed, so tests can replay it.
/// The storm floods the gauges of its catchment and surcharges the covers there; elsewhere the water drains away.
/// Lamps switch on at sunset and off at sunrise, and lose their supply with their cabinet (<c>parent</c>); trucks
/// drive back and forth along the permitted route.
/// </summary>
public sealed class CityModel
{
    private const double MetresPerDegreeLat = 111_320;

    /// <summary>What reaches a gauge or a cover outside the flooded catchment, of the water inside it: its drains cope.</summary>
    private const double DrainedShare = 0.15;

    /// <summary>How often a terminal that could not send stored a reading (store-and-forward), uploaded when the demo starts.</summary>
    public const int BacklogSeconds = 300;

    private readonly Scenario _scenario;
    private readonly Device[] _devices;
    private readonly Dictionary<string, List<Incident>> _incidents;
    private readonly Route _route;
    private readonly Random _random;

    public CityModel(Scenario scenario, IEnumerable<DemoDevice> devices, int seed = 20260720)
    {
        _scenario = scenario;
        _random = new Random(seed);
        _route = new Route(scenario.Route);
        var lowGauges = new HashSet<string>(scenario.Storm.LowGauges ?? [], StringComparer.Ordinal);
        _devices = [.. devices.Select((d, i) => new Device(d, _random, lowGauges.Contains(d.Id) ? scenario.Storm.LowGaugeFactor : 0.6 + (0.6 * _random.NextDouble()), _route.Length)
        {
            // Devices do not measure in step: each stamps its readings at its own millisecond of the second (distinct
            // for up to 1000 devices), as real terminals do, so no two devices' alarms are raised at the same instant.
            OffsetMs = i * 7 % 1000,
        })];
        _incidents = scenario.Incidents.GroupBy(i => i.Device, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    public int DeviceCount => _devices.Length;

    /// <summary>Seconds between two reports of a device of this kind.</summary>
    public static int IntervalSeconds(string kind) => kind switch
    {
        "vehicle" => 5,
        "waterlog" => 10,
        _ => 30,
    };

    /// <summary>
    /// The readings due in the whole second <paramref name="second"/> after the start, stamped within the second that
    /// begins at <paramref name="now"/> (each device at its own millisecond). At
    /// second 0, first the readings terminals stored before the start (a frozen gauge's, every <see cref="BacklogSeconds"/>).
    /// </summary>
    public List<DemoReading> Tick(long second, DateTimeOffset now)
    {
        var readings = new List<DemoReading>();
        if (second == 0)
        {
            Backlog(now, readings);
        }

        foreach (var device in _devices)
        {
            if ((second + device.Phase) % IntervalSeconds(device.Info.Kind) == 0)
            {
                Read(device, second, now, readings);
            }
        }

        return readings;
    }

    private void Backlog(DateTimeOffset now, List<DemoReading> readings)
    {
        foreach (var device in _devices)
        {
            var since = ActiveAt(device.Info.Id, 0).Where(i => i.Type == IncidentType.Frozen).Select(i => (int?)i.AtSeconds).Min();
            for (var t = since ?? 0; t < 0; t += BacklogSeconds)
            {
                Read(device, t, now.AddSeconds(t), readings);
            }
        }
    }

    private List<Incident> ActiveAt(string device, long second) => _incidents.TryGetValue(device, out var incidents)
        ? incidents.Where(i => i.IsActive(second, Mod(second, _scenario.CycleSeconds))).ToList()
        : [];

    private static long Mod(long value, long by) => ((value % by) + by) % by;

    /// <summary>The storm's time in the cycle: one that starts before the cycle does rains in the cycle's last seconds too.</summary>
    private long StormTime(long inCycle) =>
        _scenario.Storm.StartSeconds < 0 && inCycle >= _scenario.CycleSeconds + _scenario.Storm.StartSeconds ? inCycle - _scenario.CycleSeconds : inCycle;

    private void Read(Device device, long second, DateTimeOffset now, List<DemoReading> readings)
    {
        var t = StormTime(Mod(second, _scenario.CycleSeconds));
        var active = ActiveAt(device.Info.Id, second);
        if (active.Any(i => i.Type == IncidentType.Silent))
        {
            return;
        }

        Sample? reading = device.Info.Kind switch
        {
            "waterlog" => Waterlog(device, t, active),
            "manhole" => Manhole(device, t, active),
            "streetlight" => Streetlight(device, now, second, active),
            "vehicle" => Vehicle(device, second, active),
            "gas" => new([("ch4_lel", Round(active.FirstOrDefault(i => i.Type == IncidentType.GasLeak)?.Value ?? Math.Abs(0.8 + Noise(0.4)))),
                ("pressure_kpa", Round(2.3 + Noise(0.05), 2)), ("battery_pct", device.Battery)]),
            "watersupply" => new([("pressure_mpa", Round(0.32 + Noise(0.01), 3)), ("flow_m3h", Round(120 + Noise(10)))]),
            "drainage" => Drainage(device, t),
            "bridge" => new([("strain_ue", Round(120 + Noise(20))), ("deflection_mm", Round(5 + Noise(2))), ("accel_g", Round(Noise(0.02), 3)), ("tilt_deg", Round(Noise(0.05), 2))]),
            "heating" => new([("supply_temp_c", Round(85 + Noise(1))), ("pressure_mpa", Round(0.6 + Noise(0.01), 3)), ("leak", 0)]),
            "lampcabinet" => new([("voltage_v", active.Any(i => i.Type == IncidentType.PowerLoss) ? 0 : Round(221 + Noise(3))), ("door_open", 0)]),
            _ => null,
        };
        if (reading is { } sample)
        {
            readings.Add(new DemoReading(device.Info.Id, device.Info.Kind, ++device.Seq, now.AddMilliseconds(device.OffsetMs), sample.Metrics, sample.Lat, sample.Lon));
        }
    }

    /// <summary>How much of the storm reaches this point: 1 at the centre, 0 beyond the radius.</summary>
    private double Falloff(DemoDevice device)
    {
        var storm = _scenario.Storm;
        var d = Distance(device.Lat, device.Lon, storm.Lat, storm.Lon) / storm.RadiusMeters;
        return Math.Max(0, 1 - (d * d));
    }

    /// <summary>Whether the storm overwhelms the drains where this device stands (its catchment is the storm's).</summary>
    private bool Flooded(Device device) => _scenario.Storm.Catchment is { } flooded && device.Info.Attribute("catchment") == flooded;

    // In the flooded catchment the water stands by how low the place is; elsewhere the drains keep it to a few centimetres.
    // A frozen sensor reads the same to the millimetre, whatever the water does.
    private Sample Waterlog(Device device, long t, List<Incident> incidents)
    {
        if (incidents.FirstOrDefault(i => i.Type == IncidentType.Frozen) is { } frozen)
        {
            return new([("depth_cm", frozen.Value ?? 0), ("battery_pct", device.Battery)]);
        }

        var reach = Flooded(device) ? device.Factor : DrainedShare * Falloff(device.Info);
        var water = _scenario.Storm.PeakDepthCm * _scenario.Storm.Intensity(t) * reach;
        var depth = Math.Max(0, water + Noise(0.4));
        return new([("depth_cm", Round(depth)), ("battery_pct", device.Battery)]);
    }

    // Pipes under the storm fill towards surcharge as it passes; the rain gauge beside them reads it.
    private Sample Drainage(Device device, long t)
    {
        var storm = _scenario.Storm.Intensity(t) * Falloff(device.Info);
        var fill = Math.Clamp(0.3 + (0.85 * storm * device.Factor) + Noise(0.02), 0, 1.5);
        return new([
            ("fill_ratio", Round(fill, 2)), ("level_m", Round(fill * 2, 2)), ("rain_mm_h", Round(Math.Max(0, 45 * storm + Noise(1)))),
            ("pump_running", fill > 0.6 ? 1 : 0), ("pump_fault", 0),
        ]);
    }

    private Sample Manhole(Device device, long t, List<Incident> incidents)
    {
        var rise = 140 * _scenario.Storm.Intensity(t) * device.Factor * (Flooded(device) ? 1 : DrainedShare * Falloff(device.Info));
        var tilt = Math.Abs(0.6 + Noise(0.3));
        var open = 0.0;
        foreach (var incident in incidents)
        {
            switch (incident.Type)
            {
                case IncidentType.Tilt:
                    tilt = (incident.Value ?? 25) + Noise(0.5);
                    break;
                case IncidentType.Open:
                    open = 1;
                    tilt = 4 + Noise(1);
                    break;
            }
        }

        return new([
            ("tilt_deg", Round(tilt)), ("open", open), ("water_gap_cm", Round(Math.Max(0, device.WaterGap - rise + Noise(1)))),
            ("gas_ch4_lel", Round(Math.Abs(1 + Noise(0.5)))), ("battery_pct", device.Battery), ("temp_c", Round(21 + Noise(1.5))),
        ]);
    }

    /// <summary>
    /// Lamps follow an astronomical time switch (经纬度时控), as single-lamp controllers do: on from sunset to sunrise
    /// at the lamp's position, by the same sun the <c>when: night</c> rules use.
    /// </summary>
    public static bool ScheduledOn(DateTimeOffset now, double lat, double lon) => CityOps.Rules.SolarPosition.IsNight(lat, lon, now);

    private Sample Streetlight(Device device, DateTimeOffset now, long second, List<Incident> incidents)
    {
        var on = ScheduledOn(now, device.Info.Lat, device.Info.Lon);
        var voltage = 221 + Noise(3);
        var current = 0.42 + Noise(0.01);
        if (device.Info.Attribute("parent") is { } cabinet && ActiveAt(cabinet, second).Any(i => i.Type == IncidentType.PowerLoss))
        {
            // The feed is dead: the controller (on its backup cell) reports no voltage and no current, lit or not.
            return new([("on", on ? 1 : 0), ("current_a", 0), ("voltage_v", 0), ("power_w", 0)]);
        }

        foreach (var incident in incidents)
        {
            switch (incident.Type)
            {
                case IncidentType.Undervoltage:
                    voltage = (incident.Value ?? 150) + Noise(2);
                    current *= voltage / 221;
                    break;
                case IncidentType.Dark:
                    current = 0.01;
                    break;
                case IncidentType.LitByDay:
                    on = true;
                    break;
            }
        }

        if (!on)
        {
            current = 0;
        }

        return new([("on", on ? 1 : 0), ("current_a", Round(current, 3)), ("voltage_v", Round(voltage)), ("power_w", Round(voltage * current * 0.95))]);
    }

    private Sample Vehicle(Device device, long second, List<Incident> incidents)
    {
        var speed = device.Speed + Noise(2);
        var lidClosed = 1.0;
        var offset = 0.0;
        foreach (var incident in incidents)
        {
            switch (incident.Type)
            {
                case IncidentType.Speeding:
                    speed = (incident.Value ?? 75) + Noise(2);
                    break;
                case IncidentType.LidOpen:
                    lidClosed = 0;
                    break;
                case IncidentType.OffRoute:
                    offset = incident.Value ?? 350;
                    break;
            }
        }

        // Trucks shuttle between the construction site and the disposal site at their usual speed.
        var travelled = device.RouteStart + (device.Speed / 3.6 * second);
        var (lat, lon, heading) = _route.At(travelled, offset);
        return new([("speed_kmh", Round(Math.Max(0, speed))), ("heading_deg", Round(heading)), ("lid_closed", lidClosed)], Math.Round(lat, 6), Math.Round(lon, 6));
    }

    private double Noise(double amplitude) => (_random.NextDouble() - 0.5) * 2 * amplitude;

    private static double Round(double value, int digits = 1) => Math.Round(value, digits);

    /// <summary>Metres between two points (equirectangular; exact enough over a few kilometres).</summary>
    public static double Distance(double lat1, double lon1, double lat2, double lon2)
    {
        var dy = (lat2 - lat1) * MetresPerDegreeLat;
        var dx = (lon2 - lon1) * MetresPerDegreeLat * Math.Cos(double.DegreesToRadians((lat1 + lat2) / 2));
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    private readonly record struct Sample(IReadOnlyList<(string Name, double Value)> Metrics, double? Lat = null, double? Lon = null);

    private sealed class Device(DemoDevice info, Random random, double factor, double routeLength)
    {
        public DemoDevice Info { get; } = info;

        public int Phase { get; } = random.Next(IntervalSeconds(info.Kind));

        /// <summary>The millisecond of the second at which the device stamps its readings.</summary>
        public int OffsetMs { get; init; }

        /// <summary>How low-lying the place is: deeper water for a gauge, a faster rise under a cover.</summary>
        public double Factor { get; } = factor;

        public double Battery { get; } = Math.Round(35 + (65 * random.NextDouble()));

        public double WaterGap { get; } = 120 + (60 * random.NextDouble());

        public double Speed { get; } = 30 + (15 * random.NextDouble());

        public double RouteStart { get; } = routeLength * 2 * random.NextDouble();

        public long Seq { get; set; }
    }

    /// <summary>A polyline of [lon, lat] points that trucks drive back and forth along.</summary>
    private sealed class Route
    {
        private readonly double[][] _points;
        private readonly double[] _cumulative;

        public Route(IReadOnlyList<double[]> points)
        {
            _points = [.. points];
            _cumulative = new double[_points.Length];
            for (var i = 1; i < _points.Length; i++)
            {
                _cumulative[i] = _cumulative[i - 1] + Distance(_points[i - 1][1], _points[i - 1][0], _points[i][1], _points[i][0]);
            }
        }

        public double Length => _cumulative[^1];

        /// <summary>Position after <paramref name="travelled"/> metres of shuttling, moved <paramref name="offset"/> metres to the left of the road.</summary>
        public (double Lat, double Lon, double Heading) At(double travelled, double offset)
        {
            var lap = travelled % (2 * Length);
            var back = lap > Length;
            var s = back ? (2 * Length) - lap : lap;
            var i = 1;
            while (i < _points.Length - 1 && _cumulative[i] < s)
            {
                i++;
            }

            var (a, b) = (_points[i - 1], _points[i]);
            var f = (s - _cumulative[i - 1]) / Math.Max(1e-9, _cumulative[i] - _cumulative[i - 1]);
            var lon = a[0] + ((b[0] - a[0]) * f);
            var lat = a[1] + ((b[1] - a[1]) * f);

            var east = (b[0] - a[0]) * Math.Cos(double.DegreesToRadians(lat));
            var north = b[1] - a[1];
            var norm = Math.Max(1e-12, Math.Sqrt((east * east) + (north * north)));
            var heading = (double.RadiansToDegrees(Math.Atan2(east, north)) + (back ? 180 : 0) + 360) % 360;

            // Left of the direction of the route: (-north, east) in metres.
            lon += -north / norm * offset / (MetresPerDegreeLat * Math.Cos(double.DegreesToRadians(lat)));
            lat += east / norm * offset / MetresPerDegreeLat;
            return (lat, lon, heading);
        }
    }
}
