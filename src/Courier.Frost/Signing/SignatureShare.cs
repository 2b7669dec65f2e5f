namespace Courier.Frost;

/// <summary>A participant's round-two output (RFC 9591 §5.2): its share z_i of the signature. Public once sent.</summary>
public sealed class SignatureShare
{
    internal SignatureShare(Identifier identifier, byte[] share)
    {
        Identifier = identifier;
        Share = share;
    }

    /// <summary>The signer.</summary>
    public Identifier Identifier { get; }

    internal byte[] Share { get; }

    /// <summary><c>version | kind 6 | identifier (32) | z_i (32)</c>: 66 bytes.</summary>
    public byte[] Serialize() => new WireWriter(WireKind.SignatureShare).Bytes(Identifier.Scalar).Bytes(Share).ToArray();

    /// <summary>Reads <see cref="Serialize"/>'s layout; z_i must be a scalar below the group order.</summary>
    public static SignatureShare Deserialize(ReadOnlySpan<byte> encoded)
    {
        var r = new WireReader(encoded, WireKind.SignatureShare, "signature share");
        var id = r.Identifier();
        var share = r.Scalar("A signature share");
        r.End();
        return new SignatureShare(id, share);
    }
}
