using System.Buffers.Binary;

namespace Courier.Frost;

/// <summary>
/// The byte layout shared by every serialized FROST object (docs/frost.md, "Serialization"):
/// <c>u8 version (1) | u8 kind | body</c>, integers big-endian, scalars and elements 32 bytes each,
/// nothing after the body.
/// </summary>
internal enum WireKind : byte
{
    KeyPackage = 1,
    PublicKeyPackage = 2,
    SigningNonces = 3,
    SigningCommitments = 4,
    SigningPackage = 5,
    SignatureShare = 6,
    DkgCommitment = 7,
    SecretShare = 8,
}

internal sealed class WireWriter
{
    public const byte Version = 1;

    private readonly MemoryStream _buffer = new();

    public WireWriter(WireKind kind)
    {
        _buffer.WriteByte(Version);
        _buffer.WriteByte((byte)kind);
    }

    public WireWriter Bytes(ReadOnlySpan<byte> value)
    {
        _buffer.Write(value);
        return this;
    }

    public WireWriter U16(int value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, checked((ushort)value));
        return Bytes(b);
    }

    public WireWriter U32(int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, checked((uint)value));
        return Bytes(b);
    }

    public byte[] ToArray() => _buffer.ToArray();
}

internal ref struct WireReader
{
    private ReadOnlySpan<byte> _rest;
    private readonly string _what;

    public WireReader(ReadOnlySpan<byte> encoded, WireKind kind, string what)
    {
        _what = what;
        if (encoded.Length < 2 || encoded[0] != WireWriter.Version || encoded[1] != (byte)kind)
        {
            throw new FrostException(FrostError.Malformed, $"Not a version-{WireWriter.Version} {what}.");
        }

        _rest = encoded[2..];
    }

    public ReadOnlySpan<byte> Bytes(int length)
    {
        if (_rest.Length < length)
        {
            throw new FrostException(FrostError.Malformed, $"The {_what} is cut short.");
        }

        var value = _rest[..length];
        _rest = _rest[length..];
        return value;
    }

    public int U16() => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2));

    public int U32()
    {
        var value = BinaryPrimitives.ReadUInt32BigEndian(Bytes(4));
        return value > int.MaxValue ? throw new FrostException(FrostError.Malformed, $"The {_what} has a length out of range.") : (int)value;
    }

    public Identifier Identifier() => Frost.Identifier.Parse(Bytes(Frost.Identifier.Size));

    public byte[] Element(string what) => Group.DeserializeElement(Bytes(Group.ElementSize), what);

    public byte[] Scalar(string what) => Group.DeserializeScalar(Bytes(Group.ScalarSize), what);

    public readonly void End()
    {
        if (!_rest.IsEmpty)
        {
            throw new FrostException(FrostError.Malformed, $"The {_what} has {_rest.Length} bytes too many.");
        }
    }
}
