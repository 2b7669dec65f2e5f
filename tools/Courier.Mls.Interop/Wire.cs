using System.Buffers.Binary;

namespace Courier.Mls.Interop;

/// <summary>
/// The few RFC 9420 wire details the interop service needs besides the library's public API: the
/// variable-length integer of §2.1.2, the header of an MLSMessage(GroupInfo), the bare
/// ExternalSender struct (§12.1.8.1), and the layout of <c>KeyPackageBundle.Serialize</c>.
/// </summary>
internal static class Wire
{
    /// <summary>MLSMessage wire_format of a GroupInfo (§6).</summary>
    private const ushort WireFormatGroupInfo = 4;

    /// <summary>CredentialType basic (§5.3).</summary>
    private const ushort CredentialBasic = 1;

    /// <summary>§2.1.2: the length prefix of a vector, in 1, 2 or 4 bytes.</summary>
    public static void WriteVarint(List<byte> output, int value)
    {
        switch (value)
        {
            case < 0:
                throw new ArgumentOutOfRangeException(nameof(value));
            case < 0x40:
                output.Add((byte)value);
                break;
            case < 0x4000:
                output.Add((byte)(0x40 | (value >> 8)));
                output.Add((byte)value);
                break;
            case < 0x40000000:
                output.Add((byte)(0x80 | (value >> 24)));
                output.Add((byte)(value >> 16));
                output.Add((byte)(value >> 8));
                output.Add((byte)value);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value));
        }
    }

    /// <summary>Writes <c>opaque data&lt;V&gt;</c>.</summary>
    public static void WriteOpaque(List<byte> output, ReadOnlySpan<byte> data)
    {
        WriteVarint(output, data.Length);
        output.AddRange(data);
    }

    /// <summary>Reads <c>opaque data&lt;V&gt;</c> at <paramref name="offset"/> and moves past it.</summary>
    public static ReadOnlySpan<byte> ReadOpaque(ReadOnlySpan<byte> input, ref int offset)
    {
        var length = ReadVarint(input, ref offset);
        if (length > input.Length - offset)
        {
            throw new FormatException("a vector runs past the end of its input");
        }

        var data = input.Slice(offset, length);
        offset += length;
        return data;
    }

    private static int ReadVarint(ReadOnlySpan<byte> input, ref int offset)
    {
        if (offset >= input.Length)
        {
            throw new FormatException("a vector length runs past the end of its input");
        }

        var size = 1 << (input[offset] >> 6);
        if (size > 4 || offset + size > input.Length)
        {
            throw new FormatException("a vector length is malformed");
        }

        var value = input[offset] & 0x3F;
        for (var i = 1; i < size; i++)
        {
            value = (value << 8) | input[offset + i];
        }

        offset += size;
        return value;
    }

    /// <summary>The ciphersuite and group id in the GroupContext of an MLSMessage(GroupInfo) (§12.4.3).</summary>
    public static (ushort CipherSuite, byte[] GroupId) GroupInfoHeader(ReadOnlySpan<byte> message)
    {
        // MLSMessage { version, wire_format }, then GroupContext { version, cipher_suite, group_id<V>, ... }.
        if (message.Length < 8 || BinaryPrimitives.ReadUInt16BigEndian(message[2..]) != WireFormatGroupInfo)
        {
            throw new FormatException("the message is not an MLSMessage(GroupInfo)");
        }

        var offset = 8;
        var groupId = ReadOpaque(message, ref offset).ToArray();
        return (BinaryPrimitives.ReadUInt16BigEndian(message[6..]), groupId);
    }

    /// <summary>A bare ExternalSender { signature_key&lt;V&gt;; Credential (basic) } (§12.1.8.1).</summary>
    public static byte[] ExternalSender(ReadOnlySpan<byte> signatureKey, ReadOnlySpan<byte> identity)
    {
        var output = new List<byte>();
        WriteOpaque(output, signatureKey);
        output.Add(CredentialBasic >> 8);
        output.Add(CredentialBasic & 0xFF);
        WriteOpaque(output, identity);
        return [.. output];
    }

    /// <summary>
    /// The data of an external_senders extension, <c>ExternalSender external_senders&lt;V&gt;</c>, with
    /// <paramref name="sender"/> (bare ExternalSender bytes) appended to the list in <paramref name="existing"/>.
    /// </summary>
    public static byte[] AppendExternalSender(ReadOnlySpan<byte> existing, ReadOnlySpan<byte> sender)
    {
        var offset = 0;
        var list = existing.IsEmpty ? [] : ReadOpaque(existing, ref offset);
        if (offset != existing.Length)
        {
            throw new FormatException("the external_senders extension has trailing bytes");
        }

        var output = new List<byte>();
        WriteVarint(output, list.Length + sender.Length);
        output.AddRange(list);
        output.AddRange(sender);
        return [.. output];
    }

    /// <summary>
    /// The parts of <c>KeyPackageBundle.Serialize()</c>: <c>uint16 version; opaque key_package&lt;V&gt;;
    /// opaque init_priv&lt;V&gt;; opaque encryption_priv&lt;V&gt;; opaque signature_priv&lt;V&gt;</c>.
    /// </summary>
    public static (byte[] KeyPackage, byte[] InitPriv, byte[] EncryptionPriv, byte[] SignaturePriv) BundleParts(ReadOnlySpan<byte> serialized)
    {
        var offset = 2;
        var keyPackage = ReadOpaque(serialized, ref offset).ToArray();
        var init = ReadOpaque(serialized, ref offset).ToArray();
        var encryption = ReadOpaque(serialized, ref offset).ToArray();
        var signature = ReadOpaque(serialized, ref offset).ToArray();
        return (keyPackage, init, encryption, signature);
    }
}
