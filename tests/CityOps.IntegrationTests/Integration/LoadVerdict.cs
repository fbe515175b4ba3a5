using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CityOps.Tests.Integration;

/// <summary>Checks, after a run of <see cref="LoadPublisher"/>, that CityOps judged every reading once: exact case counts and last seq per device.</summary>
public static class LoadVerdict
{
    /// <summary>Waits until the expected number of cases exists (or the deadline passes) and returns how many there are.</summary>
    public static async Task<int> WaitForAllCasesAsync(HttpClient http, LoadPublisher load, TimeSpan timeout)
    {
        var expected = load.CasesPerDevice * load.DeviceIds.Count();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var total = await TotalAsync(http, "pageSize=1");
            if (total >= expected || DateTime.UtcNow > deadline)
            {
                return total;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Per device: the cases it raised, and the seq of the last reading judged; the devices that are not as expected.</summary>
    public static async Task<List<string>> WrongDevicesAsync(HttpClient http, LoadPublisher load, int readingsPerDevice)
    {
        var wrong = new List<string>();
        foreach (var id in load.DeviceIds)
        {
            var cases = await TotalAsync(http, $"deviceId={id}&pageSize=1");
            var device = await http.GetFromJsonAsync<JsonObject>($"/api/v1/devices/{id}");
            var lastSeq = (double?)device!["last"]?["seq_no"];
            if (cases != load.CasesPerDevice || lastSeq != readingsPerDevice)
            {
                wrong.Add($"{id}: {cases} cases (expected {load.CasesPerDevice}), last seq {lastSeq} (expected {readingsPerDevice})");
            }
        }

        return wrong;
    }

    private static async Task<int> TotalAsync(HttpClient http, string query)
    {
        var page = await http.GetFromJsonAsync<JsonObject>("/api/v1/cases?" + query);
        return (int)page!["total"]!;
    }
}
