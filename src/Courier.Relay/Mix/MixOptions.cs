namespace Courier.Relay.Mix;

/// <summary>How a relay mixes (docs/mixnet.md, "Relays as mixes"); the defaults are those of <c>courier relay serve</c>.</summary>
public sealed class MixOptions
{
    /// <summary>Where the identity key, the mix keys and the replay tags are kept (created if missing).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>How long one mix key serves; the current and the next are published.</summary>
    public TimeSpan EpochLength { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long after its epoch a key still unwraps packets in flight; then it is wiped and its replay tags forgotten.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The other mixes (their base URLs, with <c>#sha256=</c> pins when HTTPS), whose descriptors map node ids to addresses.</summary>
    public IReadOnlyList<Uri> Peers { get; init; } = [];

    /// <summary>The longest NodeDelay a packet may ask for; a packet asking more is refused.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The most packets held (waiting out their delay, or being sent or performed) at once; beyond it, 503 <c>mix_busy</c>.</summary>
    public int MaxQueue { get; init; } = 1024;

    /// <summary>The most replies waiting to be collected (about 96 KiB each); the oldest is dropped beyond it.</summary>
    public int MaxReplies { get; init; } = 1024;

    /// <summary>How long a reply waits to be collected.</summary>
    public TimeSpan ReplyLifetime { get; init; } = TimeSpan.FromMinutes(2);
}
