namespace CityOps.Tests.Infrastructure;

/// <summary>One webhook request as the test receiver got it, and the status it answered.</summary>
public sealed record WebhookDelivery(string IdempotencyKey, string Event, string CaseId, long Sequence, int AnsweredStatus);
