using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityOps.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CityOps.Tests.Integration;

/// <summary>
/// CityOps with its data folder on a small tmpfs that fills up: a clear error, health turns unready,
/// the reading waits instead of being dropped, and once there is room again it is judged and its
/// case filed, with the store intact.
/// </summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("cityops-diskfull");
    private Mosquitto _broker = null!;
    private CityOpsProcess _app = null!;
    private string _data = null!;

    public async Task InitializeAsync()
    {
        _data = _folder.Combine("data");
        Directory.CreateDirectory(_data);
        await RunAsync("mount", $"-t tmpfs -o size=12m cityops-test {_data}");
        _broker = await Mosquitto.StartAsync();
        var rules = _folder.Combine("rules");
        Directory.CreateDirectory(rules);
        await File.WriteAllTextAsync(Path.Combine(rules, "test.yaml"), TestCity.Rules);
        _app = new CityOpsProcess(_data, TestCity.Settings(rules, _broker.Port));
        await _app.StartAsync();
    }

    [Fact]
    public async Task Full_disk_makes_health_unready_and_the_reading_waits_until_there_is_room()
    {
        foreach (var id in new[] { "WL-DF-0", "WL-DF-1" })
        {
            using var put = await _app.Http.PutAsJsonAsync("/api/v1/devices/" + id, new { kind = "waterlog", name = "下穿", lat = 35.305, lon = 113.905 });
            put.EnsureSuccessStatusCode();
        }

        var filler = Path.Combine(_data, "filler");
        await FillAsync(filler);
        await using (var devices = await Devices.ConnectAsync(_broker.Port))
        {
            // A full disk fails a write only once SQLite needs a new page: the write-ahead log may still have room (a
            // checkpoint lets it start over). Another gauge rising and falling writes alarms and cases until one fails.
            var health = await WaitForHealthAsync(HttpStatusCode.ServiceUnavailable, async seq =>
                await devices.PublishAsync("city/waterlog/WL-DF-0/telemetry", Devices.Reading(DateTimeOffset.UtcNow, seq, "depth_cm", seq % 2 == 1 ? 55 : 0)));
            Assert.Equal("unhealthy", (string?)health["checks"]!["storage"]!["status"]);
            Assert.Contains("cannot be written", (string?)health["checks"]!["storage"]!["detail"]);

            // A reading that arrives while the store cannot be written waits: no case, however long the disk stays full.
            await devices.PublishAsync("city/waterlog/WL-DF-1/telemetry", Devices.Reading(DateTimeOffset.UtcNow, 1, "depth_cm", 55));
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(await Devices.CasesAsync(_app.Http, "deviceId=WL-DF-1"));

        File.Delete(filler);
        var cases = await Devices.WaitForCasesAsync(_app.Http, "deviceId=WL-DF-1", 1, TimeSpan.FromSeconds(60));
        Assert.True(cases.Count == 1, "no case after the disk had room again:\n" + _app.Tail(80));
        var raised = cases[0]!;
        Assert.Equal("red", (string?)raised["severity"]);
        await WaitForHealthAsync(HttpStatusCode.OK);
        Assert.Equal(0, await Devices.MetricAsync(_app.Http, "cityops_ingest_rejected_total", "grain_failed"));

        using var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "cityops.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", (string?)check.ExecuteScalar());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _broker.DisposeAsync();
        await RunAsync("umount", "--lazy " + _data);
        _folder.Dispose();
    }

    private static async Task FillAsync(string path)
    {
        var block = new byte[64 * 1024];
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                await stream.WriteAsync(block);
                await stream.FlushAsync();
            }
        }
        catch (IOException)
        {
            // The disk is full.
        }
    }

    // Polls /healthz until it answers `status`; `meanwhile` (given the round's number, from 1) runs before each poll.
    private async Task<JsonObject> WaitForHealthAsync(HttpStatusCode status, Func<long, Task>? meanwhile = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (var round = 1L; ; round++)
        {
            if (meanwhile is not null)
            {
                await meanwhile(round);
            }

            using var response = await _app.Http.GetAsync("/healthz");
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            if (response.StatusCode == status)
            {
                return body;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"health stayed {response.StatusCode}: {body}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task RunAsync(string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {arguments} failed: {await process.StandardError.ReadToEndAsync()} (the disk-full test needs root to mount a small tmpfs)");
        }
    }
}
