namespace CityOps.Ingest;

/// <summary>A rejected message (or batch element), republished with its reason to <c>cityops/deadletter</c>.</summary>
public sealed record DeadLetter(string Topic, string Reason, string Error, ReadOnlyMemory<byte> Payload, DateTimeOffset ReceivedAt, int? Index = null);
