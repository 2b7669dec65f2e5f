namespace Courier.Covers;

/// <summary>
/// Which cover elements (colour samples) carry the payload, and in what order: the start of a
/// permutation drawn from the keystream. The receiver draws the same order from the key and the
/// image's size alone; nothing about the pixels decides it.
/// </summary>
internal static class ElementOrder
{
    /// <summary>
    /// The first <paramref name="wanted"/> elements of a keyed random permutation of <c>[0, total)</c>,
    /// in order: each drawn uniformly from those not drawn yet.
    /// </summary>
    public static int[] Draw(ReadOnlySpan<byte> key, int part, int total, int wanted)
    {
        var stream = new Keystream(key, part, Keystream.Order);
        var order = new int[wanted];
        var draws = new uint[1 << 14];
        var used = draws.Length;
        uint Next()
        {
            if (used == draws.Length)
            {
                stream.Fill(draws);
                used = 0;
            }

            return draws[used++];
        }

        if (wanted <= total / 2)
        {
            // Rejection of repeats (under two draws per element on average) against a bit set.
            var seen = new ulong[(total + 63) / 64];
            for (var count = 0; count < wanted;)
            {
                var e = Below(Next(), total);
                var bit = 1UL << (e & 63);
                if ((seen[e >> 6] & bit) == 0)
                {
                    seen[e >> 6] |= bit;
                    order[count++] = e;
                }
            }

            return order;
        }

        // Most of the elements: the first steps of a Fisher–Yates shuffle.
        var all = new int[total];
        for (var i = 0; i < total; i++)
        {
            all[i] = i;
        }

        for (var i = 0; i < wanted; i++)
        {
            var j = i + Below(Next(), total - i);
            (all[i], all[j]) = (all[j], all[i]);
        }

        return all[..wanted];
    }

    // A draw in [0, bound) by Lemire's multiply-shift (its bias, below bound / 2^32, does not matter here).
    static int Below(uint draw, int bound) => (int)(((ulong)draw * (ulong)bound) >> 32);
}
