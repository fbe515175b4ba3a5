using System.Globalization;

namespace CityOps.LoadTest;

/// <summary>What to run: <c>--key value</c> pairs; every one has a default.</summary>
public sealed record LoadOptions
{
    public string BrokerHost { get; init; } = "127.0.0.1";

    public int BrokerPort { get; init; } = 1883;

    public string Api { get; init; } = "http://127.0.0.1:5080";

    public int Devices { get; init; } = 10_000;

    /// <summary>Readings per second, all connections together.</summary>
    public int Rate { get; init; } = 5_000;

    public int DurationSeconds { get; init; } = 30;

    public int Qos { get; init; } = 1;

    /// <summary>Publishing MQTT connections (a city's gateways).</summary>
    public int Connections { get; init; } = 16;

    /// <summary>Threshold crossings per second (manhole covers tilted past 30°, each on a fresh device): they must raise cases.</summary>
    public int CrossingsPerSecond { get; init; } = 5;

    /// <summary>Raise the rate step by step until loss or latency breaks; report the highest sustained rate.</summary>
    public bool Max { get; init; }

    public int MaxStep { get; init; } = 5_000;

    /// <summary>In max mode: p99 publish → evaluation above this breaks the rate.</summary>
    public double MaxP99Ms { get; init; } = 1_000;

    public string? Json { get; init; }

    /// <summary>MQTT credentials of the publishing connections (a service client when the broker requires auth).</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Only publish (no CityOps API to ask): for measuring other consumers of the same load (bench/compare-cpu.sh).</summary>
    public bool PublishOnly { get; init; }

    /// <summary>
    /// Publish over raw sockets (<see cref="RawPublisher"/>): packets written by hand, a pacing tick's publishes in one
    /// send. A few µs of CPU per reading where MQTTnet's client takes 25–50: for loads one core of MQTTnet clients cannot make.
    /// </summary>
    public bool Raw { get; init; }

    public string RunId { get; init; } = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--broker" => WithBroker(o, Next()),
                "--api" => o with { Api = Next() },
                "--devices" => o with { Devices = Int() },
                "--rate" => o with { Rate = Int() },
                "--duration" => o with { DurationSeconds = Int() },
                "--qos" => o with { Qos = Int() },
                "--connections" => o with { Connections = Int() },
                "--crossings" => o with { CrossingsPerSecond = Int() },
                "--max" => o with { Max = true },
                "--publish-only" => o with { PublishOnly = true },
                "--raw" => o with { Raw = true },
                "--step" => o with { MaxStep = Int() },
                "--max-p99-ms" => o with { MaxP99Ms = Int() },
                "--json" => o with { Json = Next() },
                "--username" => o with { Username = Next() },
                "--password" => o with { Password = Next() },
                _ => throw new ArgumentException($"unknown option {args[i]} (see bench/README.md)"),
            };
        }

        if (o.Qos is not (0 or 1) || o.Devices < 1 || o.Rate < 1 || o.Connections < 1 || o.DurationSeconds < 1)
        {
            throw new ArgumentException("--qos is 0 or 1; --devices, --rate, --connections and --duration are positive");
        }

        return o;
    }

    private static LoadOptions WithBroker(LoadOptions o, string value)
    {
        var colon = value.LastIndexOf(':');
        return colon < 0 ? o with { BrokerHost = value } : o with { BrokerHost = value[..colon], BrokerPort = int.Parse(value[(colon + 1)..], CultureInfo.InvariantCulture) };
    }
}
