using System.Globalization;
using CityOps.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CityOps.Tests.Integration;

/// <summary>
/// Faults in the middle of thousands of QoS 1 readings over many devices, each reading an alarm change
/// (<see cref="LoadPublisher"/>): CityOps SIGKILLed, mosquitto restarted, the webhook receiver away. Afterwards
/// every device has exactly its cases and its last reading judged: nothing lost, nothing judged twice.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class FaultsUnderLoadTests(ITestOutputHelper output)
{
    private const int Devices = 40;
    private const int ReadingsPerDevice = 50;
    private const int PerSecond = 400;

    [Fact]
    public async Task CityOps_killed_under_load_judges_every_reading_once_and_files_every_case_once()
    {
        using var folder = new TempFolder("kill-under-load");
        await using var broker = await Mosquitto.StartAsync();
        await using var app = await StartAsync(folder, broker.Port);
        var load = new LoadPublisher(broker.Port, Devices, ReadingsPerDevice, PerSecond, "WL-KILL");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var publishing = load.RunAsync();
        await load.WaitUntilPublishedAsync(load.Total / 3, TimeSpan.FromSeconds(30));
        await app.KillAsync();
        var killedAt = load.Published;
        await load.WaitUntilPublishedAsync(2 * load.Total / 3, TimeSpan.FromSeconds(30));
        var restartAt = load.Published;
        await app.StartAsync();
        var down = clock.Elapsed;
        await publishing;

        var cases = await LoadVerdict.WaitForAllCasesAsync(app.Http, load, TimeSpan.FromSeconds(40));
        var evaluated = await Integration.Devices.MetricAsync(app.Http, "cityops_readings_evaluated_total");
        Report($"SIGKILL under load: {load.Total} readings ({Devices} devices), killed after {killedAt}, restarted after {restartAt} "
            + $"(up again at {down.TotalSeconds:0.0} s); {cases} cases of {Devices * load.CasesPerDevice} after {clock.Elapsed.TotalSeconds:0.0} s; "
            + $"the restarted process judged {evaluated} readings");

        Assert.Equal(Devices * load.CasesPerDevice, cases);
        Assert.Empty(await LoadVerdict.WrongDevicesAsync(app.Http, load, ReadingsPerDevice));
        Assert.InRange(evaluated, load.Total - killedAt, load.Total);
    }

    [Fact]
    public async Task Mosquitto_restarted_under_load_loses_no_qos1_reading_and_cityops_resubscribes_by_itself()
    {
        using var folder = new TempFolder("broker-under-load");
        await using var broker = await Mosquitto.StartAsync();
        await using var app = await StartAsync(folder, broker.Port);
        var load = new LoadPublisher(broker.Port, Devices, ReadingsPerDevice, PerSecond, "WL-BRK");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var publishing = load.RunAsync();
        await load.WaitUntilPublishedAsync(load.Total / 3, TimeSpan.FromSeconds(30));
        var stoppedAt = load.Published;
        await broker.StopGracefullyAsync();
        await WaitForHealthAsync(app, healthy: false, TimeSpan.FromSeconds(15));
        await broker.RestartAsync();
        var restartedAfter = clock.Elapsed;
        await publishing;
        await app.WaitHealthyAsync(TimeSpan.FromSeconds(30));

        var cases = await LoadVerdict.WaitForAllCasesAsync(app.Http, load, TimeSpan.FromSeconds(40));
        Report($"mosquitto restarted under load: {load.Total} readings, broker stopped after {stoppedAt}, back at {restartedAfter.TotalSeconds:0.0} s, "
            + $"{load.Republished} publishes resent by the devices; {cases} cases of {Devices * load.CasesPerDevice} after {clock.Elapsed.TotalSeconds:0.0} s");

        var wrong = await LoadVerdict.WrongDevicesAsync(app.Http, load, ReadingsPerDevice);
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(3)) + "\n" + string.Join("\n", app.Log.Split('\n').Where(l => !l.Contains("case.", StringComparison.Ordinal) && !l.Contains("CaseConsoleReporter", StringComparison.Ordinal)).TakeLast(60)));
        Assert.Equal(Devices * load.CasesPerDevice, cases);
        Assert.Contains("(session present: True)", app.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_receiver_down_under_load_gets_every_case_event_in_order_per_case_once_back()
    {
        using var folder = new TempFolder("webhook-under-load");
        await using var receiver = new WebhookReceiver(FreePort.Next());
        await receiver.StartAsync();
        await using var app = await DispatchCity.StartAsync(folder, new Dictionary<string, string>
        {
            ["CityOps:Dispatch:WebhookUrl"] = receiver.Url,
            ["CityOps:Dispatch:RetryDelay"] = "00:00:00.100",
            ["CityOps:Dispatch:MaxRetryDelay"] = "00:00:01",
            ["CityOps:Dispatch:AttemptsPerRound"] = "2",
            ["CityOps:Dispatch:Timeout"] = "00:00:02",
        });
        var port = int.Parse(app.Settings["CityOps:Mqtt:EmbeddedPort"], CultureInfo.InvariantCulture);
        var load = new LoadPublisher(port, 20, 40, 300, "WL-HOOK");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var publishing = load.RunAsync();
        await load.WaitUntilPublishedAsync(load.Total / 4, TimeSpan.FromSeconds(30));
        await receiver.StopAsync();
        var downAt = clock.Elapsed;
        await load.WaitUntilPublishedAsync(3 * load.Total / 4, TimeSpan.FromSeconds(30));
        while (clock.Elapsed - downAt < Outage.Length(5))
        {
            await Task.Delay(100);
        }

        await receiver.StartAsync();
        var upAt = clock.Elapsed;
        await publishing;
        var cases = await LoadVerdict.WaitForAllCasesAsync(app.Http, load, TimeSpan.FromSeconds(40));
        Assert.Equal(20 * load.CasesPerDevice, cases);

        var deadline = DateTime.UtcNow.AddSeconds(40);
        double changes;
        while (Accepted(receiver).Count < (changes = await Integration.Devices.MetricAsync(app.Http, "cityops_case_changes_total"))
            || await Integration.Devices.MetricAsync(app.Http, "cityops_webhook_pending") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Accepted(receiver).Count} of {changes} events delivered");
            await Task.Delay(250);
        }

        var accepted = Accepted(receiver);
        Report($"webhook receiver down from {downAt.TotalSeconds:0.0} s to {upAt.TotalSeconds:0.0} s under load: {load.Total} readings, {cases} cases, "
            + $"{changes} case events, all delivered after {clock.Elapsed.TotalSeconds:0.0} s ({receiver.Received.Count} attempts received, "
            + $"{receiver.Received.Count(d => d.AnsweredStatus == 200 && d.Event.StartsWith("case.", StringComparison.Ordinal)) - accepted.Count} duplicates)");
        Assert.Equal((int)changes, accepted.Count);
        Assert.Equal(cases, accepted.Values.Count(d => d.Event == "case.filed"));
        foreach (var perCase in accepted.Values.GroupBy(d => d.CaseId))
        {
            var inArrivalOrder = receiver.Received.Where(d => d.CaseId == perCase.Key && d.AnsweredStatus == 200).DistinctBy(d => d.IdempotencyKey).Select(d => d.Sequence).ToList();
            Assert.Equal(inArrivalOrder.Order(), inArrivalOrder);
        }
    }

    // Case events only: the same webhook also carries the alarm events (alarm.*), from their own outbox.
    private static Dictionary<string, WebhookDelivery> Accepted(WebhookReceiver receiver) =>
        receiver.Received.Where(d => d.AnsweredStatus == 200 && d.Event.StartsWith("case.", StringComparison.Ordinal))
            .DistinctBy(d => d.IdempotencyKey).ToDictionary(d => d.IdempotencyKey);

    private static async Task<CityOpsProcess> StartAsync(TempFolder folder, int brokerPort)
    {
        var rules = folder.Combine("rules");
        var data = folder.Combine("data");
        Directory.CreateDirectory(rules);
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Combine(rules, "test.yaml"), TestCity.Rules);
        var app = new CityOpsProcess(data, TestCity.Settings(rules, brokerPort));
        await app.StartAsync();
        return app;
    }

    private static async Task WaitForHealthAsync(CityOpsProcess app, bool healthy, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await app.Http.GetAsync("/healthz");
            if (response.IsSuccessStatusCode == healthy)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"/healthz did not turn {(healthy ? "healthy" : "unready")} within {timeout}");
            await Task.Delay(50);
        }
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(" " + line);
    }
}
