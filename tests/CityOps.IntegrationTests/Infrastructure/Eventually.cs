namespace CityOps.Tests.Infrastructure;

/// <summary>Waits for a condition on real processes, polling every 250 ms; fails naming what did not happen.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {timeout}: {what}");
            }

            await Task.Delay(250);
        }
    }
}
