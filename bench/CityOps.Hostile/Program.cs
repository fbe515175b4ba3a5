using System.Globalization;
using System.Net.Sockets;
using CityOps.Hostile;

// Hostile clients beside a load: sockets that connect and never send CONNECT (reopened when the broker closes them),
// and password guessers (MQTT CONNECT with a registered device's username and a wrong password, as fast as the
// broker answers). Prints what the broker did with them every 10 s and at the end.
// Every hostile connection comes from --from (default 127.0.0.2: another address than the city's own clients on loopback).
//   dotnet CityOps.Hostile.dll --broker 127.0.0.1:1883 --idle-sockets 20000 --guessers 50 --usernames MH-G-0000,MH-G-0001 --duration 120
var o = HostileOptions.Parse(args);
var from = System.Net.IPAddress.Parse(o.From);
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(o.DurationSeconds));
var tally = new Tally();
var work = new List<Task>();
work.AddRange(Enumerable.Range(0, o.IdleSockets).Select(i => IdleSocket.HoldAsync(o.Host, o.Port, from, tally, stop.Token)));
work.AddRange(Enumerable.Range(0, o.Guessers).Select(i => Guesser.GuessAsync(o.Host, o.Port, from, o.Usernames[i % o.Usernames.Count], i, tally, stop.Token)));
var report = Task.Run(async () =>
{
    while (!stop.IsCancellationRequested)
    {
        await Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None);
        Console.WriteLine(tally.Line());
    }
});
await Task.WhenAll(work);
await report;
Console.WriteLine("final: " + tally.Line());

namespace CityOps.Hostile
{
    internal sealed record HostileOptions(string Host, int Port, int IdleSockets, int Guessers, IReadOnlyList<string> Usernames, int DurationSeconds, string From = "127.0.0.2")
    {
        public static HostileOptions Parse(string[] args)
        {
            var o = new HostileOptions("127.0.0.1", 1883, 20_000, 50, ["MH-G-0000"], 120);
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                o = args[i] switch
                {
                    "--broker" => Broker(o, Next()),
                    "--idle-sockets" => o with { IdleSockets = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--guessers" => o with { Guessers = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--usernames" => o with { Usernames = Next().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                    "--duration" => o with { DurationSeconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--from" => o with { From = Next() },
                    _ => throw new ArgumentException($"unknown option {args[i]}"),
                };
            }

            return o;
        }

        private static HostileOptions Broker(HostileOptions o, string value)
        {
            var colon = value.LastIndexOf(':');
            return o with { Host = value[..colon], Port = int.Parse(value[(colon + 1)..], CultureInfo.InvariantCulture) };
        }
    }

    internal sealed class Tally
    {
        private long _open;
        private long _opened;
        private long _closedByBroker;
        private long _refusedConnects;
        private long _guesses;
        private long _guessesRefused;
        private long _guessesAccepted;

        public void Opened()
        {
            Interlocked.Increment(ref _open);
            Interlocked.Increment(ref _opened);
        }

        public void Closed() => Interlocked.Decrement(ref _open);

        public void ClosedByBroker() => Interlocked.Increment(ref _closedByBroker);

        public void RefusedConnect() => Interlocked.Increment(ref _refusedConnects);

        public void Guessed(bool accepted)
        {
            Interlocked.Increment(ref _guesses);
            Interlocked.Increment(ref accepted ? ref _guessesAccepted : ref _guessesRefused);
        }

        public string Line() => string.Create(CultureInfo.InvariantCulture,
            $"idle sockets open {Interlocked.Read(ref _open)}, opened {Interlocked.Read(ref _opened)}, closed by the broker {Interlocked.Read(ref _closedByBroker)}, connects refused {Interlocked.Read(ref _refusedConnects)}; guesses {Interlocked.Read(ref _guesses)} (refused {Interlocked.Read(ref _guessesRefused)}, accepted {Interlocked.Read(ref _guessesAccepted)})");
    }

    internal static class IdleSocket
    {
        public static async Task HoldAsync(string host, int port, System.Net.IPAddress from, Tally tally, CancellationToken stop)
        {
            var buffer = new byte[16];
            while (!stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    // Creating it can fail too: out of file handles (EMFILE) is a refusal like any other here.
                    socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    socket.Bind(new System.Net.IPEndPoint(from, 0));
                }
                catch (SocketException)
                {
                    tally.RefusedConnect();
                    await Delay(TimeSpan.FromSeconds(1), stop);
                    continue;
                }

                using var owned = socket;
                try
                {
                    await socket.ConnectAsync(host, port, stop);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    tally.RefusedConnect();
                    await Delay(TimeSpan.FromSeconds(1), stop);
                    continue;
                }

                tally.Opened();
                try
                {
                    // Never sends a byte; a read returning 0 (or failing) is the broker closing it.
                    await socket.ReceiveAsync(buffer, SocketFlags.None, stop);
                    tally.ClosedByBroker();
                }
                catch (SocketException)
                {
                    tally.ClosedByBroker();
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    tally.Closed();
                }
            }
        }

        private static async Task Delay(TimeSpan delay, CancellationToken stop)
        {
            try
            {
                await Task.Delay(delay, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    internal static class Guesser
    {
        public static async Task GuessAsync(string host, int port, System.Net.IPAddress from, string username, int index, Tally tally, CancellationToken stop)
        {
            var factory = new MQTTnet.MqttClientFactory();
            for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
            {
                using var client = factory.CreateMqttClient();
                // MQTTnet 5 takes the broker's address from WithEndPoint (its Build refuses options without one); the TCP
                // options only add the local address the guesses come from.
                var options = new MQTTnet.MqttClientOptionsBuilder()
                    .WithEndPoint(new System.Net.DnsEndPoint(host, port))
                    .WithTcpServer(tcp => tcp.LocalEndpoint = new System.Net.IPEndPoint(from, 0))
                    .WithClientId($"guesser-{index}-{attempt}")
                    .WithCredentials(username, $"wrong-{index}-{attempt}")
                    .WithTimeout(TimeSpan.FromSeconds(30))
                    .Build();
                try
                {
                    var result = await client.ConnectAsync(options, stop);
                    tally.Guessed(result.ResultCode == MQTTnet.MqttClientConnectResultCode.Success);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception)
                {
                    tally.Guessed(accepted: false);
                }
            }
        }
    }
}
