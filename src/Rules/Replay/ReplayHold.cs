namespace CityOps.Rules.Replay;

/// <summary>
/// A replayed alarm (of <see cref="Device"/> and <see cref="Rule"/>) whose value was back to normal from <see cref="From"/>, its
/// rule's <c>clear:</c> hold running, until it breached again at <see cref="BreachedAt"/> (null: it cleared, or the replay ended).
/// </summary>
public sealed record ReplayHold(string Device, string Rule, DateTimeOffset From, DateTimeOffset? BreachedAt);
