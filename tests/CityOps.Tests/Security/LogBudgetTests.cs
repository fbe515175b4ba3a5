using CityOps.Ingest.Security;
using Microsoft.Extensions.Time.Testing;

namespace CityOps.Tests.Security;

public class LogBudgetTests
{
    [Fact]
    public void Lines_beyond_the_budget_are_counted_and_the_next_line_after_the_window_says_how_many()
    {
        var time = new FakeTimeProvider();
        var budget = new LogBudget(3, TimeSpan.FromSeconds(10), time);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(budget.TryTake(out var before));
            Assert.Equal(0, before);
        }

        for (var i = 0; i < 500; i++)
        {
            Assert.False(budget.TryTake(out _));
        }

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(budget.TryTake(out _));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryTake(out var unlogged));
        Assert.Equal(501, unlogged);
        Assert.True(budget.TryTake(out var none));
        Assert.Equal(0, none);
    }
}
