using Courier.Relay.Client;

namespace Courier.Relay.Storage;

/// <summary>
/// The nonces one drop accepted with one timestamp second, in <see cref="Parts"/> parts chosen by a
/// nonce's first byte, each packed end to end (16 bytes a nonce, at most <see cref="PerPart"/>).
/// Every store keeps one such part per (drop, second, part) while the second is inside the
/// freshness window, so what one key holder signs can fill only its own drops' windows
/// (docs/relay-api.md, "Signed requests"). A nonce is only ever looked for in its own part, so
/// parts keep each write small while a drop may sign thousands of requests a second.
/// </summary>
internal static class ReplayWindow
{
    /// <summary>Parts of a drop's window for one second.</summary>
    public const int Parts = 16;

    /// <summary>Nonces one part holds.</summary>
    public const int PerPart = 256;

    /// <summary>Signed requests one drop may make with the same timestamp second when their nonces are random (they fill the parts about evenly).</summary>
    public const int PerSecond = Parts * PerPart;

    /// <summary>Adds <paramref name="nonce"/> to <paramref name="part"/> (empty for none); the new part in <paramref name="updated"/> when remembered.</summary>
    public static NonceOutcome TryAdd(ReadOnlySpan<byte> part, ReadOnlySpan<byte> nonce, out byte[] updated)
    {
        CheckSize(nonce);
        updated = [];
        for (int i = 0; i + NonceSize <= part.Length; i += NonceSize)
        {
            if (part.Slice(i, NonceSize).SequenceEqual(nonce))
            {
                return NonceOutcome.Replayed;
            }
        }

        if (part.Length / NonceSize >= PerPart)
        {
            return NonceOutcome.Busy;
        }

        updated = [.. part, .. nonce];
        return NonceOutcome.Remembered;
    }

    /// <summary>The part of second <paramref name="second"/>'s window that holds <paramref name="nonce"/>, as one number: second × <see cref="Parts"/> + part.</summary>
    public static long Slot(long second, ReadOnlySpan<byte> nonce)
    {
        CheckSize(nonce);
        return (second * Parts) + (nonce[0] % Parts);
    }

    /// <summary>The key of a part in a key-value store: the drop, the second and the part.</summary>
    public static string Key(DropName drop, long second, ReadOnlySpan<byte> nonce)
        => FormattableString.Invariant($"{drop}.{second}.{Slot(second, nonce) - (second * Parts)}");

    private const int NonceSize = 16;

    private static void CheckSize(ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException("A nonce is 16 bytes.", nameof(nonce));
        }
    }
}
