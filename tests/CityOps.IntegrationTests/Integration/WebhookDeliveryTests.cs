using System.Globalization;
using CityOps.Tests.Infrastructure;

namespace CityOps.Tests.Integration;

/// <summary>The webhook against a real HTTP receiver that is down, then failing, then well, across a CityOps crash.</summary>
public sealed class WebhookDeliveryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly string[] Workflow = ["case.filed", "case.dispatched", "case.handled", "case.verified", "case.closed"];

    private static Dictionary<string, string> FastRetries(string url) => new()
    {
        ["CityOps:Dispatch:WebhookUrl"] = url,
        ["CityOps:Dispatch:RetryDelay"] = "00:00:00.100",
        ["CityOps:Dispatch:MaxRetryDelay"] = "00:00:00.800",
        ["CityOps:Dispatch:AttemptsPerRound"] = "2",
        ["CityOps:Dispatch:Timeout"] = "00:00:02",
    };

    [Fact]
    public async Task Every_event_is_delivered_in_order_per_case_through_an_outage_500s_and_a_crash()
    {
        using var folder = new TempFolder("webhook");
        await using var receiver = new WebhookReceiver(FreePort.Next());
        var app = await DispatchCity.StartAsync(folder, FastRetries(receiver.Url));
        await using (app)
        {
            var http = app.Http;

            // The receiver is down: events wait in the outbox.
            var ids = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var id = await DispatchCity.FileAsync(http);
                await DispatchCity.ActAsync(http, id, "dispatch");
                await DispatchCity.ActAsync(http, id, "handle");
                ids.Add(id);
            }

            await Devices.WaitForMetricAsync(http, "cityops_webhook_failed_total", 1, TimeSpan.FromSeconds(10));
            await Devices.WaitForMetricAsync(http, "cityops_webhook_pending", 9, TimeSpan.FromSeconds(10));

            // Up, but failing with 500: still nothing delivered, no event lost.
            receiver.Status = 500;
            await receiver.StartAsync();
            await WaitUntil(() => receiver.Received.Count(d => d.AnsweredStatus == 500) >= 2, TimeSpan.FromSeconds(10));
            Assert.True(await Devices.MetricAsync(http, "cityops_webhook_failed_total", "5xx") >= 1);

            // CityOps crashes with all of it pending, comes back, and the cases go on.
            await app.KillAsync();
            await app.StartAsync();
            foreach (var id in ids)
            {
                await DispatchCity.ActAsync(http, id, "verify");
                await DispatchCity.ActAsync(http, id, "close");
            }

            // The receiver recovers: everything arrives.
            receiver.Status = 200;
            await WaitUntil(() => ids.All(id => Accepted(receiver, id).Count == Workflow.Length), TimeSpan.FromSeconds(30));
            await WaitUntil(async () => await Devices.MetricAsync(http, "cityops_webhook_pending") == 0, TimeSpan.FromSeconds(10));

            foreach (var id in ids)
            {
                var accepted = Accepted(receiver, id);
                Assert.Equal(Workflow, accepted.Select(d => d.Event));
                Assert.Equal(accepted.Select(d => d.Sequence).Order(), accepted.Select(d => d.Sequence));
            }

            // Duplicates (a retry after the crash) carry the key of the event they repeat; no key names two events.
            var all = receiver.Received.ToList();
            Assert.All(all.GroupBy(d => d.Sequence), g => Assert.Single(g.Select(d => d.IdempotencyKey).Distinct()));
            Assert.All(all.GroupBy(d => d.IdempotencyKey), g => Assert.Single(g.Select(d => d.Sequence).Distinct()));
            Assert.True(await Devices.MetricAsync(http, "cityops_webhook_delivered_total") >= ids.Count * Workflow.Length);
        }
    }

    [Fact]
    public async Task Refused_event_is_parked_and_counted_without_a_retry_storm_and_the_rest_flows()
    {
        using var folder = new TempFolder("webhook");
        await using var receiver = new WebhookReceiver(FreePort.Next());
        await receiver.StartAsync();
        string? refusedCase = null;
        receiver.StatusFor = (caseId, eventName) => caseId == refusedCase && eventName == "case.dispatched" ? 422 : 200;
        var app = await DispatchCity.StartAsync(folder, FastRetries(receiver.Url));
        await using (app)
        {
            var http = app.Http;
            refusedCase = await DispatchCity.FileAsync(http);
            var fine = await DispatchCity.FileAsync(http);
            await DispatchCity.ActAsync(http, refusedCase, "dispatch");
            await DispatchCity.ActAsync(http, refusedCase, "handle");
            await DispatchCity.ActAsync(http, fine, "dispatch");

            await WaitUntil(() => Accepted(receiver, fine).Count == 2 && Accepted(receiver, refusedCase).Count == 2, TimeSpan.FromSeconds(15));
            await WaitUntil(async () => await Devices.MetricAsync(http, "cityops_webhook_pending") == 0, TimeSpan.FromSeconds(10));

            Assert.Single(receiver.Received, d => d.CaseId == refusedCase && d.Event == "case.dispatched");
            Assert.Equal(["case.filed", "case.handled"], Accepted(receiver, refusedCase).Select(d => d.Event));
            Assert.Equal(1, await Devices.MetricAsync(http, "cityops_webhook_parked_total"));
            Assert.Equal(1, await Devices.MetricAsync(http, "cityops_webhook_failed_total", "4xx"));
        }
    }

    [Fact]
    public async Task Burst_of_case_changes_is_streamed_live_and_the_backlog_drains_once_the_receiver_is_up()
    {
        using var folder = new TempFolder("webhook");
        await using var receiver = new WebhookReceiver(FreePort.Next());
        var app = await DispatchCity.StartAsync(folder, FastRetries(receiver.Url));
        await using (app)
        {
            var http = app.Http;
            const int Cases = 100;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var ids = new List<string>();
            var streamed = SseClient.ReadAsync(http, "/api/v1/cases/stream", null, 2 * Cases, TimeSpan.FromSeconds(60));
            await Task.Delay(200);
            for (var i = 0; i < Cases; i++)
            {
                var id = await DispatchCity.FileAsync(http);
                await DispatchCity.ActAsync(http, id, "dispatch");
                ids.Add(id);
            }

            var written = clock.Elapsed;
            var events = await streamed;
            var sse = clock.Elapsed;

            // The receiver was down all along: the backlog drains once it is up (after at most one pause).
            await receiver.StartAsync();
            var up = clock.Elapsed;
            await WaitUntil(() => receiver.Received.Count(d => d.AnsweredStatus == 200) >= 2 * Cases, TimeSpan.FromSeconds(30));
            var drained = clock.Elapsed - up;

            Assert.Equal(2 * Cases, events.Count);
            Assert.All(ids, id => Assert.Equal(["case.filed", "case.dispatched"], Accepted(receiver, id).Select(d => d.Event)));
            var report = $"{2 * Cases} case changes over HTTP in {written.TotalMilliseconds:0} ms, all streamed (SSE) by {sse.TotalMilliseconds:0} ms; "
                + $"webhook backlog of {2 * Cases} drained {drained.TotalMilliseconds:0} ms after the receiver came up";
            output.WriteLine(report);
            Console.WriteLine(" " + report);
        }
    }

    /// <summary>The deliveries of a case the receiver accepted, once each, in arrival order.</summary>
    private static List<WebhookDelivery> Accepted(WebhookReceiver receiver, string caseId) =>
        [.. receiver.Received.Where(d => d.CaseId == caseId && d.AnsweredStatus == 200).DistinctBy(d => d.IdempotencyKey)];

    private static Task WaitUntil(Func<bool> condition, TimeSpan timeout) => WaitUntil(() => Task.FromResult(condition()), timeout);

    private static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met within " + timeout.ToString("c", CultureInfo.InvariantCulture));
            }

            await Task.Delay(50);
        }
    }
}
