namespace Courier.Node.Cpace;

/// <summary>
/// The string functions of CPace (draft-irtf-cfrg-cpace-21 §5.3 and appendix A): prepend_len with
/// LEB128 lengths, lv_cat, o_cat, the two transcript encodings and generator_string.
/// </summary>
internal static class CPaceStrings
{
    /// <summary>prepend_len(data): the LEB128 encoding of len(data), then data (appendix A.1.1).</summary>
    public static byte[] PrependLen(ReadOnlySpan<byte> data)
    {
        var result = new byte[Leb128Size(data.Length) + data.Length];
        var offset = WriteLeb128(result, data.Length);
        data.CopyTo(result.AsSpan(offset));
        return result;
    }

    /// <summary>lv_cat(a0, a1, ...): the concatenation of prepend_len of each argument (appendix A.1.3).</summary>
    public static byte[] LvCat(params ReadOnlySpan<byte[]> items)
    {
        var length = 0;
        foreach (var item in items)
        {
            length = checked(length + Leb128Size(item.Length) + item.Length);
        }

        var result = new byte[length];
        var offset = 0;
        foreach (var item in items)
        {
            offset += WriteLeb128(result.AsSpan(offset), item.Length);
            item.CopyTo(result, offset);
            offset += item.Length;
        }

        return result;
    }

    /// <summary>lexiographically_larger(a, b): true when a sorts after b, a longer string winning a tie of its prefix (appendix A.3.1).</summary>
    public static bool LexicographicallyLarger(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var common = Math.Min(a.Length, b.Length);
        for (var i = 0; i < common; i++)
        {
            if (a[i] != b[i])
            {
                return a[i] > b[i];
            }
        }

        return a.Length > b.Length;
    }

    /// <summary>o_cat(a, b) = b"oc" || larger || smaller (appendix A.3.2).</summary>
    public static byte[] OCat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var aFirst = LexicographicallyLarger(a, b);
        var first = aFirst ? a : b;
        var second = aFirst ? b : a;
        var result = new byte[2 + a.Length + b.Length];
        result[0] = (byte)'o';
        result[1] = (byte)'c';
        first.CopyTo(result.AsSpan(2));
        second.CopyTo(result.AsSpan(2 + first.Length));
        return result;
    }

    /// <summary>transcript_ir(Ya, ADa, Yb, ADb) = lv_cat(Ya, ADa) || lv_cat(Yb, ADb): the initiator-responder setting (§5.3, appendix A.3.4).</summary>
    public static byte[] TranscriptIr(byte[] ya, byte[] adA, byte[] yb, byte[] adB)
        => [.. LvCat(ya, adA), .. LvCat(yb, adB)];

    /// <summary>transcript_oc(Ya, ADa, Yb, ADb) = o_cat(lv_cat(Ya, ADa), lv_cat(Yb, ADb)): the symmetric setting (§5.3, appendix A.3.6).</summary>
    public static byte[] TranscriptOc(byte[] ya, byte[] adA, byte[] yb, byte[] adB)
        => OCat(LvCat(ya, adA), LvCat(yb, adB));

    /// <summary>
    /// generator_string(DSI, PRS, CI, sid, s_in_bytes) = lv_cat(DSI, PRS, zero_bytes(len_zpad), CI, sid) (§7.1, appendix A.2),
    /// where the zero padding makes DSI and PRS fill the hash's first input block, so that for a
    /// short PRS the work of hashing it does not depend on its length.
    /// The result holds the PRS: the caller wipes it.
    /// </summary>
    public static byte[] GeneratorString(ReadOnlySpan<byte> dsi, ReadOnlySpan<byte> prs, ReadOnlySpan<byte> ci, ReadOnlySpan<byte> sid, int sInBytes)
    {
        var zeroPad = Math.Max(0, sInBytes - 1 - Leb128Size(prs.Length) - prs.Length - Leb128Size(dsi.Length) - dsi.Length);
        var length = checked(
            Leb128Size(dsi.Length) + dsi.Length + Leb128Size(prs.Length) + prs.Length + Leb128Size(zeroPad) + zeroPad
            + Leb128Size(ci.Length) + ci.Length + Leb128Size(sid.Length) + sid.Length);
        var result = new byte[length];
        var span = result.AsSpan();
        var offset = Append(span, 0, dsi);
        offset = Append(span, offset, prs);
        offset += WriteLeb128(span[offset..], zeroPad);
        offset += zeroPad;
        offset = Append(span, offset, ci);
        Append(span, offset, sid);
        return result;
    }

    /// <summary>Feeds prepend_len(data) to <paramref name="hash"/> without building it in memory.</summary>
    public static void AppendPrependLen(System.Security.Cryptography.IncrementalHash hash, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[5];
        hash.AppendData(length[..WriteLeb128(length, data.Length)]);
        hash.AppendData(data);
    }

    private static int Append(Span<byte> destination, int offset, ReadOnlySpan<byte> item)
    {
        offset += WriteLeb128(destination[offset..], item.Length);
        item.CopyTo(destination[offset..]);
        return offset + item.Length;
    }

    private static int Leb128Size(int value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private static int WriteLeb128(Span<byte> destination, int value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)((value & 0x7F) | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }
}
