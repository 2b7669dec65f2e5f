using System.Buffers;
using System.Buffers.Binary;

namespace Courier.Mls.Codec;

/// <summary>A value with one canonical encoding in the TLS presentation language.</summary>
internal interface ITlsEncodable
{
    /// <summary>Appends the encoding of this value.</summary>
    void Encode(TlsWriter writer);
}

/// <summary>Writes the TLS presentation language as RFC 9420 §2.1 uses it.</summary>
internal sealed class TlsWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public TlsWriter(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    /// <summary>Bytes written so far.</summary>
    public int Length => _buffer.WrittenCount;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Zeroes what was written, for writers that held secrets. Size such writers up front: growing leaves copies behind.</summary>
    public void Wipe() => _buffer.Clear();

    public void WriteUInt8(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>Writes bytes with no length prefix.</summary>
    public void WriteFixed(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    /// <summary>Writes the minimal variable-length integer for <paramref name="value"/> (RFC 9420 §2.1.2).</summary>
    public void WriteVarint(int value)
    {
        switch (value)
        {
            case < 0 or > TlsReader.MaxVarint:
                throw new ArgumentOutOfRangeException(nameof(value), "A vector length must be below 2^30.");
            case < 0x40:
                WriteUInt8((byte)value);
                break;
            case < 0x4000:
                WriteUInt16((ushort)(0x4000 | value));
                break;
            default:
                WriteUInt32(0x8000_0000u | (uint)value);
                break;
        }
    }

    /// <summary>The size of <c>opaque data&lt;V&gt;</c> holding <paramref name="length"/> bytes: the varint length (1, 2 or 4 bytes, RFC 9420 §2.1.2) and the bytes.</summary>
    public static int OpaqueSize(int length) => length switch
    {
        < 0x40 => 1,
        < 0x4000 => 2,
        _ => 4,
    } + length;

    /// <summary>Writes <c>opaque data&lt;V&gt;</c>.</summary>
    public void WriteOpaque(ReadOnlySpan<byte> bytes)
    {
        WriteVarint(bytes.Length);
        WriteFixed(bytes);
    }

    /// <summary>Writes a vector whose body is produced by <paramref name="body"/>.</summary>
    public void WriteVector(Action<TlsWriter> body)
    {
        var inner = new TlsWriter();
        body(inner);
        WriteOpaque(inner.Written);
    }

    /// <summary>Writes a vector of encodable elements.</summary>
    public void WriteVector<T>(IEnumerable<T> items)
        where T : ITlsEncodable => WriteVector(w =>
        {
            foreach (var item in items)
            {
                item.Encode(w);
            }
        });

    /// <summary>Writes <c>optional&lt;T&gt;</c>.</summary>
    public void WriteOptional<T>(T? value)
        where T : class, ITlsEncodable
    {
        WriteUInt8(value is null ? (byte)0 : (byte)1);
        value?.Encode(this);
    }

    /// <summary>Encodes one value.</summary>
    public static byte[] Encode(ITlsEncodable value)
    {
        var writer = new TlsWriter();
        value.Encode(writer);
        return writer.ToArray();
    }
}
