using System.Buffers;

namespace CityOps.Ingest.Parsing;

/// <summary>
/// Parses telemetry topic names of the form <c>city/{kind}/{deviceId}/telemetry</c>.
/// Immutable after construction, so one instance can be shared by all ingest threads.
/// </summary>
public sealed class TopicParser
{
    public const int MaxDeviceIdLength = 64;
    public const int MaxKindLength = 64;

    private const string Prefix = "city/";
    private const string Suffix = "/telemetry";

    private static readonly SearchValues<char> _deviceIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");

    // Kinds become InfluxDB measurement names and topic levels, so keep them to a safe alphabet.
    private static readonly SearchValues<char> _kindChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    private readonly HashSet<string> _kinds;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _kindLookup;
    private readonly int _maxTopicLength;
    private readonly string _kindList;

    /// <summary>
    /// A device id as topics carry it: <c>[A-Za-z0-9_.-]{1,64}</c>, except <c>.</c> and <c>..</c>, which a URL path
    /// cannot name (clients and proxies resolve them as dot-segments), so such a device could never be reached over REST.
    /// </summary>
    public static bool IsValidDeviceId(ReadOnlySpan<char> deviceId) =>
        !deviceId.IsEmpty && deviceId.Length <= MaxDeviceIdLength && !deviceId.ContainsAnyExcept(_deviceIdChars) && deviceId is not "." and not "..";

    /// <summary>The kinds of the contract: manhole, waterlog, streetlight, vehicle.</summary>
    public static IReadOnlyList<string> DefaultKinds { get; } = ["manhole", "waterlog", "streetlight", "vehicle"];

    /// <summary>Accepts <see cref="DefaultKinds"/>.</summary>
    public TopicParser()
        : this(DefaultKinds)
    {
    }

    /// <summary>Accepts exactly <paramref name="kinds"/> (case-sensitive, as MQTT topics are).</summary>
    /// <exception cref="ArgumentException">No kinds, or a kind that is empty, longer than 64 or not <c>[A-Za-z0-9_-]</c>.</exception>
    public TopicParser(IEnumerable<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        _kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in kinds)
        {
            if (string.IsNullOrEmpty(kind) || kind.Length > MaxKindLength || kind.AsSpan().ContainsAnyExcept(_kindChars))
            {
                throw new ArgumentException(
                    $"Device kind {(kind is null ? "null" : DiagnosticText.Quote(kind))} is invalid: use 1-{MaxKindLength} characters of A-Z, a-z, 0-9, _ or -.",
                    nameof(kinds));
            }

            // string.Intern so the kind of every reading is the same instance as the literal used elsewhere.
            _kinds.Add(string.Intern(kind));
        }

        // An empty set would reject every message; it almost always means an empty configuration
        // section or a DI container resolving IEnumerable<string> to nothing, so fail at start-up.
        if (_kinds.Count == 0)
        {
            throw new ArgumentException("At least one device kind is required.", nameof(kinds));
        }

        _kindLookup = _kinds.GetAlternateLookup<ReadOnlySpan<char>>();
        _maxTopicLength = Prefix.Length + _kinds.Max(k => k.Length) + 1 + MaxDeviceIdLength + Suffix.Length;
        _kindList = string.Join(", ", _kinds.Order(StringComparer.Ordinal));
    }

    /// <summary>The accepted kinds.</summary>
    public IReadOnlyCollection<string> Kinds => _kinds;

    /// <summary>
    /// Splits a telemetry topic. Allocates only the device id string; the kind is the shared instance.
    /// </summary>
    /// <returns>False with <see cref="RejectReason.BadTopic"/> or <see cref="RejectReason.UnknownKind"/>
    /// and a human-readable <paramref name="error"/>; <paramref name="reason"/> and <paramref name="error"/>
    /// are meaningless when true.</returns>
    public bool TryParse(string topic, out TelemetryTopic parsed, out RejectReason reason, out string error)
    {
        parsed = default;
        reason = RejectReason.BadTopic;

        if (string.IsNullOrEmpty(topic))
        {
            error = "topic is empty";
            return false;
        }

        // Checked before scanning so a huge topic costs nothing more than its length.
        if (topic.Length > _maxTopicLength)
        {
            error = $"topic is {topic.Length} characters long; the longest valid telemetry topic is {_maxTopicLength}";
            return false;
        }

        var span = topic.AsSpan();
        if (span.IndexOfAny('+', '#') >= 0)
        {
            error = $"topic {DiagnosticText.Quote(span)} contains an MQTT wildcard (+ or #)";
            return false;
        }

        if (span.Length < Prefix.Length + Suffix.Length
            || !span.StartsWith(Prefix, StringComparison.Ordinal)
            || !span.EndsWith(Suffix, StringComparison.Ordinal))
        {
            error = $"topic {DiagnosticText.Quote(span)} is not of the form city/{{kind}}/{{deviceId}}/telemetry";
            return false;
        }

        var middle = span[Prefix.Length..^Suffix.Length];
        var slash = middle.IndexOf('/');
        if (slash < 0 || middle[(slash + 1)..].Contains('/'))
        {
            error = $"topic {DiagnosticText.Quote(span)} must have exactly four levels: city/{{kind}}/{{deviceId}}/telemetry";
            return false;
        }

        var kind = middle[..slash];
        var deviceId = middle[(slash + 1)..];
        if (kind.IsEmpty)
        {
            error = $"topic {DiagnosticText.Quote(span)} has an empty kind";
            return false;
        }

        if (!IsValidDeviceId(deviceId))
        {
            error = $"device id {DiagnosticText.Quote(deviceId)} is invalid: use 1-{MaxDeviceIdLength} characters of A-Z, a-z, 0-9, _, . or -";
            return false;
        }

        if (!_kindLookup.TryGetValue(kind, out var knownKind))
        {
            reason = RejectReason.UnknownKind;
            error = $"unknown device kind {DiagnosticText.Quote(kind)}; expected one of {_kindList}";
            return false;
        }

        parsed = new TelemetryTopic(knownKind, deviceId.ToString());
        error = string.Empty;
        return true;
    }
}
