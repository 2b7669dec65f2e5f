namespace Courier.Covers;

/// <summary>
/// Which cover elements (colour samples) carry the payload, and in what order: each element is taken
/// with probability <c>wanted / total</c> by the keystream, and the elements taken are shuffled
/// (Fisher–Yates) by another keystream. The receiver draws the same order from the key and the
/// image's size alone; nothing about the pixels decides it.
/// </summary>
internal static class ElementOrder
{
    /// <summary>The elements, as indices into <c>[0, total)</c>, in the order the code uses them.</summary>
    public static int[] Draw(ReadOnlySpan<byte> key, int part, int total, long wanted)
    {
        var selection = new Keystream(key, part, Keystream.Selection);
        var threshold = wanted >= total ? ulong.MaxValue : (ulong)((double)wanted / total * 4294967296.0);
        var taken = new List<int>((int)Math.Min(total, wanted + wanted / 8 + 64));
        for (var e = 0; e < total; e++)
        {
            if (selection.NextUInt32() < threshold)
            {
                taken.Add(e);
            }
        }

        var order = taken.ToArray();
        var shuffle = new Keystream(key, part, Keystream.Shuffle);
        for (var i = order.Length - 1; i > 0; i--)
        {
            // A draw in [0, i] (Lemire's multiply-shift; its bias, below i / 2^32, is irrelevant here).
            var j = (int)(((ulong)shuffle.NextUInt32() * (ulong)(i + 1)) >> 32);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }
}
