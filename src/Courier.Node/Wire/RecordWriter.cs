using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Courier.Node.Wire;

/// <summary>
/// Writes the node's binary records and messages: big-endian integers and opaque byte strings with a
/// 32-bit length. The buffer may hold secrets, so it is wiped whenever it grows and on
/// <see cref="Dispose"/>; <see cref="ToArray"/> hands out a copy the caller wipes.
/// </summary>
internal sealed class RecordWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public RecordWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    public RecordWriter U8(byte value)
    {
        Reserve(1)[0] = value;
        return this;
    }

    public RecordWriter U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);
        return this;
    }

    public RecordWriter U32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);
        return this;
    }

    /// <summary>An epoch: all 64 bits, so that no cast can overflow on either side.</summary>
    public RecordWriter U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), value);
        return this;
    }

    public RecordWriter I64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);
        return this;
    }

    /// <summary>Exactly the bytes, no length: for fields whose size the format fixes.</summary>
    public RecordWriter Fixed(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        return this;
    }

    /// <summary>A 32-bit length, then the bytes.</summary>
    public RecordWriter Opaque(ReadOnlySpan<byte> bytes)
    {
        U32(checked((uint)bytes.Length));
        return Fixed(bytes);
    }

    /// <summary>A UTF-8 string as an opaque.</summary>
    public RecordWriter Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        try
        {
            return Opaque(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>A count, then each item as an opaque.</summary>
    public RecordWriter List(IReadOnlyCollection<byte[]> items)
    {
        U32(checked((uint)items.Count));
        foreach (var item in items)
        {
            Opaque(item);
        }

        return this;
    }

    /// <summary>A copy of the bytes written; the caller wipes it if it holds secrets.</summary>
    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_buffer);
        _length = 0;
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            var grown = new byte[Math.Max(checked(_length + count), checked(_buffer.Length * 2))];
            _buffer.AsSpan(0, _length).CopyTo(grown);
            CryptographicOperations.ZeroMemory(_buffer);
            _buffer = grown;
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    /// <inheritdoc/>
    public override string ToString() => $"RecordWriter({_length} bytes)";

}
