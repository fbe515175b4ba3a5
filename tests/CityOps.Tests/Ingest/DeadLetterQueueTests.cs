using System.Buffers;
using System.Text;
using CityOps.Ingest;
using CityOps.Ingest.Parsing;
using static CityOps.Tests.Ingest.ParserFixture;

namespace CityOps.Tests.Ingest;

public class DeadLetterQueueTests
{
    [Fact]
    public void Batch_of_13000_bad_elements_is_counted_in_full_but_republished_as_21_letters()
    {
        var payload = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("null", 13_000)) + "]");
        var (readings, errors) = Parse(payload);
        Assert.Empty(readings);
        Assert.Equal(13_000, errors.Count);
        var queue = new DeadLetterQueue();
        var before = IngestMetrics.Rejected.WithLabels("bad_shape").Value;

        queue.Reject("city/waterlog/wl-0042/telemetry", errors, new ReadOnlySequence<byte>(payload), Now);

        var letters = new List<DeadLetter>();
        while (queue.Reader.TryRead(out var letter))
        {
            letters.Add(letter);
        }

        Assert.Equal(13_000, IngestMetrics.Rejected.WithLabels("bad_shape").Value - before);
        Assert.Equal(DeadLetterQueue.MaxLettersPerMessage + 1, letters.Count);
        Assert.Equal(Enumerable.Range(0, DeadLetterQueue.MaxLettersPerMessage + 1).Cast<int?>(), letters.Select(l => l.Index));
        Assert.StartsWith("12980 more elements", letters[^1].Error, StringComparison.Ordinal);
        Assert.True(letters[^1].Payload.IsEmpty);
    }

    [Fact]
    public void A_few_bad_elements_each_get_their_own_letter()
    {
        var payload = Encoding.UTF8.GetBytes("""[null, {"metrics": {"depth_cm": 1}}, 3]""");
        var (_, errors) = Parse(payload);
        var queue = new DeadLetterQueue();

        queue.Reject("city/waterlog/wl-0042/telemetry", errors, new ReadOnlySequence<byte>(payload), Now);

        Assert.Equal(2, queue.Reader.Count);
    }
}
