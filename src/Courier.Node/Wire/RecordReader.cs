using System.Buffers.Binary;
using System.Text;

namespace Courier.Node.Wire;

/// <summary>
/// Reads what <see cref="RecordWriter"/> writes, strictly: a truncated field, a length beyond its
/// bound, invalid UTF-8 or bytes left over throw <see cref="MalformedRecordException"/> and nothing else.
/// </summary>
internal ref struct RecordReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly string _what;
    private int _offset;

    public RecordReader(ReadOnlySpan<byte> data, string what)
    {
        _data = data;
        _what = what;
        _offset = 0;
    }

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public long I64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public ReadOnlySpan<byte> Fixed(int count) => Take(count);

    /// <summary>An opaque of at most <paramref name="maxLength"/> bytes.</summary>
    public byte[] Opaque(int maxLength) => OpaqueSpan(maxLength).ToArray();

    /// <summary>An opaque of at most <paramref name="maxLength"/> bytes, in place (no copy).</summary>
    public ReadOnlySpan<byte> OpaqueSpan(int maxLength)
    {
        var length = U32();
        if (length > (uint)maxLength)
        {
            throw Error("a field is longer than allowed");
        }

        return Take((int)length);
    }

    /// <summary>An opaque of exactly <paramref name="length"/> bytes.</summary>
    public byte[] OpaqueExactly(int length)
    {
        var value = Opaque(length);
        return value.Length == length ? value : throw Error("a field has the wrong length");
    }

    public string Text(int maxBytes)
    {
        var length = U32();
        if (length > (uint)maxBytes)
        {
            throw Error("a text field is longer than allowed");
        }

        try
        {
            return StrictUtf8.GetString(Take((int)length));
        }
        catch (DecoderFallbackException)
        {
            throw Error("a text field is not UTF-8");
        }
    }

    public List<byte[]> List(int maxCount, int maxItemLength)
    {
        var count = U32();
        if (count > (uint)maxCount)
        {
            throw Error("a list has too many items");
        }

        var items = new List<byte[]>((int)count);
        for (var i = 0; i < count; i++)
        {
            items.Add(Opaque(maxItemLength));
        }

        return items;
    }

    public readonly void EnsureEnd()
    {
        if (_offset != _data.Length)
        {
            throw Error("bytes are left over");
        }
    }

    public readonly MalformedRecordException Error(string reason) => new(_what, reason);

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _data.Length - _offset < count)
        {
            throw Error("it ends early");
        }

        var span = _data.Slice(_offset, count);
        _offset += count;
        return span;
    }
}
