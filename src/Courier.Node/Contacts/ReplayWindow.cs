namespace Courier.Node.Contacts;

/// <summary>
/// Which sequence numbers of a contact's pairwise messages were received: the highest, and a bitmap
/// of the <see cref="Size"/> numbers up to it (bit i for highest − i), as IPsec's anti-replay window
/// (RFC 4303 §3.4.3). A number seen before, or older than the window, is a replay. The window
/// tolerates a little reordering: an append that reached the relay late, after a later one.
/// </summary>
internal readonly record struct ReplayWindow(long Highest, ulong Seen)
{
    /// <summary>How many numbers below the highest are remembered.</summary>
    public const int Size = 64;

    /// <summary>Nothing received yet; sequence numbers start at 1.</summary>
    public static ReplayWindow Empty => new(0, 0);

    /// <summary>The window with <paramref name="sequence"/> received, or null when it was received before or is too old to tell.</summary>
    public ReplayWindow? Accept(long sequence)
    {
        if (sequence <= 0)
        {
            return null;
        }

        if (sequence > Highest)
        {
            var shift = sequence - Highest;
            return new ReplayWindow(sequence, (shift >= Size ? 0 : Seen << (int)shift) | 1);
        }

        var age = Highest - sequence;
        var bit = 1UL << (int)age;
        return age >= Size || (Seen & bit) != 0 ? null : this with { Seen = Seen | bit };
    }
}
