namespace Courier.Node.Relay;

/// <summary>
/// The only envelope sizes relays store (the same buckets as the relay's own list), so that lengths
/// reveal no more than the bucket. The node pads every envelope to one of them.
/// </summary>
public static class EnvelopeSizes
{
    /// <summary>1 KiB.</summary>
    public const int Small = 1024;

    /// <summary>4 KiB.</summary>
    public const int Medium = 4 * 1024;

    /// <summary>16 KiB.</summary>
    public const int Large = 16 * 1024;

    /// <summary>64 KiB, the largest envelope.</summary>
    public const int Max = 64 * 1024;

    /// <summary>The sizes a dead drop accepts, smallest first.</summary>
    public static IReadOnlyList<int> DeadDrop { get; } = [Small, Medium, Large, Max];

    /// <summary>The sizes a nameplate accepts, smallest first.</summary>
    public static IReadOnlyList<int> Nameplate { get; } = [Small, Medium];
}
