using Courier.Relay.Client;

namespace Courier.Relay.Storage;

/// <summary>
/// The nonces one drop accepted with one timestamp second, packed end to end (16 bytes each). Every
/// store keeps one such window per (drop, second) while the second is inside the freshness window,
/// so what one key holder signs can fill only its own drops' windows (docs/relay-api.md, "Signed requests").
/// </summary>
internal static class ReplayWindow
{
    /// <summary>Signed requests one drop may make with the same timestamp second.</summary>
    public const int PerSecond = 256;

    /// <summary>Adds <paramref name="nonce"/> to <paramref name="window"/> (empty for none); the new window in <paramref name="updated"/> when remembered.</summary>
    public static NonceOutcome TryAdd(ReadOnlySpan<byte> window, ReadOnlySpan<byte> nonce, out byte[] updated)
    {
        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException("A nonce is 16 bytes.", nameof(nonce));
        }

        updated = [];
        for (int i = 0; i + NonceSize <= window.Length; i += NonceSize)
        {
            if (window.Slice(i, NonceSize).SequenceEqual(nonce))
            {
                return NonceOutcome.Replayed;
            }
        }

        if (window.Length / NonceSize >= PerSecond)
        {
            return NonceOutcome.Busy;
        }

        updated = [.. window, .. nonce];
        return NonceOutcome.Remembered;
    }

    /// <summary>The key of a window in a key-value store: the drop and the second.</summary>
    public static string Key(DropName drop, long second) => FormattableString.Invariant($"{drop}.{second}");

    private const int NonceSize = 16;
}
