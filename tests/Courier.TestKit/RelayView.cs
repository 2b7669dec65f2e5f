namespace Courier.TestKit;

/// <summary>What an adversary reading a relay's store looks for: byte strings two envelopes share, and plaintext padding.</summary>
public static class RelayView
{
    /// <summary>The offset in <paramref name="a"/> of a run of <paramref name="length"/> bytes that also occurs in <paramref name="b"/>, or null.</summary>
    public static int? SharedRun(byte[] a, byte[] b, int length)
    {
        var runs = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + length <= b.Length; i++)
        {
            runs.Add(Convert.ToHexString(b, i, length));
        }

        for (var i = 0; i + length <= a.Length; i++)
        {
            if (runs.Contains(Convert.ToHexString(a, i, length)))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// A run of <paramref name="length"/> (8 to 16) bytes that occurs in envelopes of two different
    /// groups (drops), as "group i, group j", or null.
    /// </summary>
    public static string? SharedAcross(IReadOnlyList<IReadOnlyList<byte[]>> groups, int length = 12)
    {
        var seen = new Dictionary<UInt128, int>();
        Span<byte> run = stackalloc byte[16];
        for (var g = 0; g < groups.Count; g++)
        {
            foreach (var envelope in groups[g])
            {
                for (var i = 0; i + length <= envelope.Length; i++)
                {
                    envelope.AsSpan(i, length).CopyTo(run);
                    var key = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(run);
                    if (seen.TryGetValue(key, out var other) && other != g)
                    {
                        return $"group {other}, group {g}";
                    }

                    seen[key] = g;
                }
            }
        }

        return null;
    }

    /// <summary>True when the envelope's last 16 bytes are zeros: padding a relay could read.</summary>
    public static bool EndsInZeros(byte[] envelope) => !envelope.AsSpan(envelope.Length - 16).ContainsAnyExcept((byte)0);
}
