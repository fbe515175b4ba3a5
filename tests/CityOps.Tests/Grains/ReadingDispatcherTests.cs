using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using CityOps.Grains;
using CityOps.Grains.Zones;
using CityOps.Ingest;
using CityOps.Ingest.Edge;
using CityOps.Ingest.Influx;
using CityOps.Tests.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CityOps.Tests.Grains;

/// <summary>The dispatcher stores the readings it holds where their device grains place them (CONTRACT §6).</summary>
public sealed class ReadingDispatcherTests(GrainClusterFixture fixture) : IClassFixture<GrainClusterFixture>
{
    private const string Grid = """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"g1","type":"grid","name":"西街","code":"410702001001001","unit":"water-east"},
        "geometry":{"type":"Polygon","coordinates":[[[113.8,35.2],[114.0,35.2],[114.0,35.4],[113.8,35.4],[113.8,35.2]]]}}]}
        """;

    // local: the devices' grains are handed readings in their own turn on this silo (LocalDevices); else by grain calls.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Accepted_readings_are_written_with_the_grid_unit_and_position_their_grains_know(bool local)
    {
        var p = local ? "L" : "C"; // each case its own devices
        Assert.Empty(await fixture.SiloServices.GetRequiredService<ZoneMap>().ReplaceAsync(Grid));
        var ts = fixture.Time.GetUtcNow().ToUnixTimeMilliseconds();
        await fixture.Grains.GetGrain<IDeviceGrain>($"WL-{p}d1").Register(new DeviceRegistration("waterlog", null, 35.3, 113.9, null, ImmutableDictionary<string, string>.Empty, null));
        var truck = new Reading($"VH-{p}d1", "vehicle", ts, null, [new Metric("speed_kmh", 30)], 35.31, 113.93);
        Reading[] readings =
        [
            new($"WL-{p}d1", "waterlog", ts, 1, [new Metric("depth_cm", 12)]),
            new($"WL-{p}d1", "manhole", ts + 1, 2, [new Metric("tilt_deg", 3)]), // wrong kind: refused, not stored
            new($"WL-{p}d1", "waterlog", ts + 2, 3, [new Metric("depth_cm", 13)]),
            truck,
            truck, // redelivered: stored again, the same point
            new($"WL-{p}d2", "waterlog", ts, null, [new Metric("depth_cm", 1)]), // auto-provisioned, nowhere yet
        ];
        var writer = new RecordingWriter();
        var dispatcher = new ReadingDispatcher(
            new IngestChannel(4), fixture.Grains, writer, new DeadLetterQueue(), new RegisteredKinds(fixture.Grains, fixture.Time), Local(local), Options.Create(new MqttOptions()), fixture.Time, NullLogger<ReadingDispatcher>.Instance);

        var durable = await dispatcher.DeliverAsync([new IngestMessage(readings, null)], default);
        await durable;

        // Times in ns: each reading keeps its millisecond and takes its own place within it (TelemetryLines.NanosOf).
        string At(Reading r) => (r.TimestampMs * 1_000_000L + TelemetryLines.NanosOf(r)).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(
            $"waterlog,device=WL-{p}d1,grid=410702001001001,unit=water-east depth_cm=12,lat=35.3,lon=113.9 {At(readings[0])}\n"
            + $"waterlog,device=WL-{p}d1,grid=410702001001001,unit=water-east depth_cm=13,lat=35.3,lon=113.9 {At(readings[2])}\n"
            + $"vehicle,device=VH-{p}d1,grid=410702001001001,unit=water-east speed_kmh=30,lat=35.31,lon=113.93 {At(truck)}\n"
            + $"vehicle,device=VH-{p}d1,grid=410702001001001,unit=water-east speed_kmh=30,lat=35.31,lon=113.93 {At(truck)}\n"
            + $"waterlog,device=WL-{p}d2 depth_cm=1 {At(readings[5])}\n",
            writer.Text.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_reading_its_device_refuses_is_dead_lettered_with_the_reason(bool local)
    {
        var p = local ? "L" : "C";
        var ts = fixture.Time.GetUtcNow().ToUnixTimeMilliseconds();
        await fixture.Grains.GetGrain<IDeviceGrain>($"WL-{p}d3").Register(new DeviceRegistration("waterlog", null, null, null, null, ImmutableDictionary<string, string>.Empty, null));
        var letters = new DeadLetterQueue();
        var dispatcher = new ReadingDispatcher(
            new IngestChannel(4), fixture.Grains, new RecordingWriter(), letters, new RegisteredKinds(fixture.Grains, fixture.Time), Local(local), Options.Create(new MqttOptions()), fixture.Time, NullLogger<ReadingDispatcher>.Instance);

        await await dispatcher.DeliverAsync([new IngestMessage([new Reading($"WL-{p}d3", "manhole", ts, 1, [new Metric("tilt_deg", 3)])], null)], default);

        Assert.True(letters.Reader.TryRead(out var letter));
        Assert.Equal(($"city/manhole/WL-{p}d3/telemetry", "refused_by_device", "wrong_kind"), (letter.Topic, letter.Reason, letter.Error));
    }

    [Fact]
    public async Task A_rounds_acknowledgements_go_in_round_order_in_one_send_per_connection()
    {
        var dispatcher = new ReadingDispatcher(
            new IngestChannel(4), fixture.Grains, new RecordingWriter(), new DeadLetterQueue(), new RegisteredKinds(fixture.Grains, fixture.Time), NoLocalDevices.Instance, Options.Create(new MqttOptions()), fixture.Time, NullLogger<ReadingDispatcher>.Instance);
        var socket = new RecordingSocket();
        await using var connection = new CoalescingWriteStream(socket);
        var order = new List<string>();
        IngestMessage Acked(string name, byte id, CoalescingWriteStream? via, bool fails = false) => new([], async ct =>
        {
            order.Add(name);
            Assert.Empty(socket.Sends); // held until the round's pass ends
            if (fails)
            {
                throw new IOException("gone");
            }

            if (via is not null)
            {
                await via.WriteAsync(new byte[] { 0x40, 0x02, 0x00, id }, ct); // a PUBACK, as MQTTnet writes it
            }
        }, via);

        await dispatcher.AcknowledgeRoundAsync(
            [Acked("a", 1, connection), new IngestMessage([], null), Acked("b", 2, null), Acked("c", 3, connection, fails: true), Acked("d", 4, connection)], default);

        Assert.Equal(["a", "b", "c", "d"], order);
        Assert.Equal([[0x40, 0x02, 0x00, 1, 0x40, 0x02, 0x00, 4]], socket.Sends);
        await connection.WriteAsync(new byte[] { 0xC0, 0x00 }); // released: a PINGREQ goes straight out
        Assert.Equal(2, socket.Sends.Count);
    }

    [Fact]
    public async Task A_round_judged_and_durable_is_acknowledged_only_after_an_older_round_still_being_stored()
    {
        var ts = fixture.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var storing = new TaskCompletionSource();
        var writer = new GatedWriter(storing.Task, Task.CompletedTask, Task.CompletedTask);
        var channel = new IngestChannel(4);
        var dispatcher = new ReadingDispatcher(
            channel, fixture.Grains, writer, new DeadLetterQueue(), new RegisteredKinds(fixture.Grains, fixture.Time), NoLocalDevices.Instance, Options.Create(new MqttOptions()), fixture.Time, NullLogger<ReadingDispatcher>.Instance);
        var acknowledged = new List<int>();
        var allAcknowledged = new TaskCompletionSource();
        IngestMessage Message(int n) => new([new Reading($"WL-o{n}", "waterlog", ts, 1, [new Metric("depth_cm", n)])], _ =>
        {
            lock (acknowledged)
            {
                acknowledged.Add(n);
                if (acknowledged.Count == 3)
                {
                    allAcknowledged.SetResult();
                }
            }

            return Task.CompletedTask;
        });

        await dispatcher.StartAsync(default);
        try
        {
            // One round each: the next message is written once the dispatcher has stored the round before.
            for (var n = 1; n <= 3; n++)
            {
                await channel.Writer.WriteAsync(Message(n));
                Assert.True(await writer.Stored.WaitAsync(TimeSpan.FromSeconds(30)), $"round {n} was not stored");
            }

            // Rounds 2 and 3 are judged and durable (round 3 stored: round 2 went its way), round 1 is not yet durable.
            lock (acknowledged)
            {
                Assert.Empty(acknowledged);
            }

            storing.SetResult();
            await allAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal([1, 2, 3], acknowledged);
        }
        finally
        {
            await dispatcher.StopAsync(default);
        }
    }

    [Fact]
    public async Task An_acknowledgement_that_waits_holds_back_newer_acknowledgements_but_not_newer_rounds()
    {
        var ts = fixture.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var writer = new GatedWriter(Task.CompletedTask, Task.CompletedTask, Task.CompletedTask);
        var channel = new IngestChannel(4);
        var dispatcher = new ReadingDispatcher(
            channel, fixture.Grains, writer, new DeadLetterQueue(), new RegisteredKinds(fixture.Grains, fixture.Time), NoLocalDevices.Instance, Options.Create(new MqttOptions()), fixture.Time, NullLogger<ReadingDispatcher>.Instance);
        var sending = new TaskCompletionSource(); // the first acknowledgement's write waits for the socket
        var acknowledged = new List<int>();
        var allAcknowledged = new TaskCompletionSource();
        IngestMessage Message(int n) => new([new Reading($"WL-w{n}", "waterlog", ts, 1, [new Metric("depth_cm", n)])], _ =>
        {
            lock (acknowledged)
            {
                acknowledged.Add(n);
                if (acknowledged.Count == 3)
                {
                    allAcknowledged.SetResult();
                }
            }

            return n == 1 ? sending.Task : Task.CompletedTask;
        });

        await dispatcher.StartAsync(default);
        try
        {
            for (var n = 1; n <= 3; n++)
            {
                await channel.Writer.WriteAsync(Message(n));
                Assert.True(await writer.Stored.WaitAsync(TimeSpan.FromSeconds(30)), $"round {n} was not stored: the dispatching loop waited for an acknowledgement");
            }

            lock (acknowledged)
            {
                Assert.Equal([1], acknowledged);
            }

            sending.SetResult();
            await allAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal([1, 2, 3], acknowledged);
        }
        finally
        {
            sending.TrySetResult();
            await dispatcher.StopAsync(default);
        }
    }

    // Each round's durability is the next of the given tasks; Stored is released as each round asks for it.
    private sealed class GatedWriter(params Task[] durable) : ITelemetryWriter
    {
        private readonly Queue<Task> _durable = new(durable);

        public SemaphoreSlim Stored { get; } = new(0);

        public bool Enabled => true;

        public ValueTask WriteAsync(LineChunk lines, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task WhenDurable()
        {
            var next = _durable.Dequeue();
            Stored.Release();
            return next;
        }
    }

    private ILocalDevices Local(bool local) => local ? fixture.SiloServices.GetRequiredService<ILocalDevices>() : NoLocalDevices.Instance;

    private sealed class RecordingWriter : ITelemetryWriter
    {
        public StringBuilder Text { get; } = new();

        public bool Enabled => true;

        public ValueTask WriteAsync(LineChunk lines, CancellationToken cancellationToken = default)
        {
            Text.Append(Encoding.UTF8.GetString(lines.Bytes));
            return ValueTask.CompletedTask;
        }

        public Task WhenDurable() => Task.CompletedTask;
    }
}
