using CityOps.Ingest.Parsing;

namespace CityOps.Tests.Ingest;

public class RejectReasonsTests
{
    [Theory]
    [InlineData(RejectReason.BadTopic, "bad_topic")]
    [InlineData(RejectReason.UnknownKind, "unknown_kind")]
    [InlineData(RejectReason.TooLarge, "too_large")]
    [InlineData(RejectReason.NotJson, "not_json")]
    [InlineData(RejectReason.BadShape, "bad_shape")]
    [InlineData(RejectReason.BadType, "bad_type")]
    [InlineData(RejectReason.NotFinite, "not_finite")]
    [InlineData(RejectReason.BadTimestamp, "bad_timestamp")]
    [InlineData(RejectReason.FutureTimestamp, "future_timestamp")]
    [InlineData(RejectReason.Empty, "empty")]
    public void Label_is_the_snake_case_metric_label(RejectReason reason, string label)
    {
        Assert.Equal(label, RejectReasons.Label(reason));
    }

    [Fact]
    public void All_lists_every_reason_once()
    {
        Assert.Equal(Enum.GetValues<RejectReason>(), RejectReasons.All);
    }
}
