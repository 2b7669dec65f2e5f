using System.Buffers.Binary;

namespace Courier.Mls.Codec;

/// <summary>Reads one value of type <typeparamref name="T"/> from a reader.</summary>
internal delegate T ReadFunc<out T>(ref TlsReader reader);

/// <summary>
/// A strict reader of the TLS presentation language as RFC 9420 §2.1 uses it: big-endian
/// integers and vectors whose length is a minimal variable-length integer. Every failure is a
/// <see cref="DecodeException"/>; the reader never reads past its input.
/// </summary>
internal ref struct TlsReader
{
    /// <summary>RFC 9420 §2.1.2: the largest length a varint can express.</summary>
    public const int MaxVarint = (1 << 30) - 1;

    private const int MaxDepth = 64;

    private readonly ReadOnlySpan<byte> _data;
    private readonly string _structure;
    private readonly int _depth;
    private int _position;

    public TlsReader(ReadOnlySpan<byte> data, string structure)
        : this(data, structure, 0)
    {
    }

    private TlsReader(ReadOnlySpan<byte> data, string structure, int depth)
    {
        _data = data;
        _structure = structure;
        _depth = depth;
        _position = 0;
    }

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>True when every byte has been read.</summary>
    public readonly bool IsEmpty => _position == _data.Length;

    /// <summary>Builds the error for this reader's structure.</summary>
    public readonly DecodeException Error(DecodeError reason) => new(reason, _structure);

    public byte ReadUInt8() => ReadFixed(1)[0];

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(ReadFixed(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(ReadFixed(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64BigEndian(ReadFixed(8));

    /// <summary>Reads exactly <paramref name="length"/> bytes.</summary>
    public ReadOnlySpan<byte> ReadFixed(int length)
    {
        if (length < 0 || length > Remaining)
        {
            throw Error(DecodeError.Truncated);
        }

        var span = _data.Slice(_position, length);
        _position += length;
        return span;
    }

    /// <summary>Reads a variable-length integer (RFC 9420 §2.1.2), rejecting non-minimal forms.</summary>
    public int ReadVarint()
    {
        var first = ReadUInt8();
        int value;
        switch (first >> 6)
        {
            case 0:
                return first;
            case 1:
                value = ((first & 0x3F) << 8) | ReadUInt8();
                if (value < 0x40)
                {
                    throw Error(DecodeError.NonMinimalVarint);
                }

                return value;
            case 2:
                var rest = ReadFixed(3);
                value = ((first & 0x3F) << 24) | (rest[0] << 16) | (rest[1] << 8) | rest[2];
                if (value < 0x4000)
                {
                    throw Error(DecodeError.NonMinimalVarint);
                }

                return value;
            default:
                throw Error(DecodeError.InvalidVarintPrefix);
        }
    }

    /// <summary>Reads <c>opaque data&lt;V&gt;</c> and returns a view of its bytes.</summary>
    public ReadOnlySpan<byte> ReadOpaque()
    {
        var length = ReadVarint();
        if (length > Remaining)
        {
            throw Error(DecodeError.Truncated);
        }

        return ReadFixed(length);
    }

    /// <summary>Reads <c>opaque data&lt;V&gt;</c> into a new array.</summary>
    public byte[] ReadOpaqueArray() => ReadOpaque().ToArray();

    /// <summary>Reads <c>opaque data&lt;V&gt;</c> whose length must lie in [min, max].</summary>
    public byte[] ReadOpaqueArray(int min, int max)
    {
        var bytes = ReadOpaque();
        if (bytes.Length < min || bytes.Length > max)
        {
            throw Error(DecodeError.LengthOutOfRange);
        }

        return bytes.ToArray();
    }

    /// <summary>Reads a vector header and returns a reader over exactly its body.</summary>
    public TlsReader ReadVector()
    {
        if (_depth >= MaxDepth)
        {
            throw Error(DecodeError.NestingTooDeep);
        }

        return new TlsReader(ReadOpaque(), _structure, _depth + 1);
    }

    /// <summary>Reads a vector whose elements are each read by <paramref name="read"/>.</summary>
    public List<T> ReadVector<T>(ReadFunc<T> read)
    {
        var body = ReadVector();
        var items = new List<T>();
        while (!body.IsEmpty)
        {
            items.Add(read(ref body));
        }

        return items;
    }

    /// <summary>Reads the presence byte of <c>optional&lt;T&gt;</c>: 0 or 1, anything else is an error.</summary>
    public bool ReadPresence() => ReadUInt8() switch
    {
        0 => false,
        1 => true,
        _ => throw Error(DecodeError.InvalidValue),
    };

    /// <summary>Reads <c>optional&lt;T&gt;</c>.</summary>
    public T? ReadOptional<T>(ReadFunc<T> read)
        where T : class => ReadPresence() ? read(ref this) : null;

    /// <summary>Fails unless every byte has been read.</summary>
    public readonly void EnsureEnd()
    {
        if (!IsEmpty)
        {
            throw Error(DecodeError.TrailingBytes);
        }
    }

    /// <summary>Decodes a whole byte string as exactly one value: trailing bytes are an error.</summary>
    public static T Decode<T>(ReadOnlySpan<byte> data, string structure, ReadFunc<T> read)
    {
        var reader = new TlsReader(data, structure);
        var value = read(ref reader);
        reader.EnsureEnd();
        return value;
    }
}
