namespace Courier.Frost;

/// <summary>
/// A participant's round-one output, public (RFC 9591 §5.1): its hiding and binding nonce commitments.
/// </summary>
public sealed class SigningCommitments
{
    /// <summary>The encoded size: 2 + 32 + 32 + 32 bytes.</summary>
    public const int EncodedSize = 2 + Identifier.Size + (2 * Group.ElementSize);

    internal SigningCommitments(Identifier identifier, byte[] hiding, byte[] binding)
    {
        Identifier = identifier;
        Hiding = hiding;
        Binding = binding;
    }

    /// <summary>The participant.</summary>
    public Identifier Identifier { get; }

    internal byte[] Hiding { get; }

    internal byte[] Binding { get; }

    /// <summary>The hiding nonce commitment D (32 bytes).</summary>
    public byte[] HidingCommitment => (byte[])Hiding.Clone();

    /// <summary>The binding nonce commitment E (32 bytes).</summary>
    public byte[] BindingCommitment => (byte[])Binding.Clone();

    /// <summary><c>version | kind 4 | identifier (32) | hiding commitment (32) | binding commitment (32)</c>: 98 bytes.</summary>
    public byte[] Serialize() => Write(new WireWriter(WireKind.SigningCommitments)).ToArray();

    /// <summary>Reads <see cref="Serialize"/>'s layout; both commitments must be valid elements (§3.1).</summary>
    public static SigningCommitments Deserialize(ReadOnlySpan<byte> encoded)
    {
        var r = new WireReader(encoded, WireKind.SigningCommitments, "signing commitments");
        var result = Read(ref r);
        r.End();
        return result;
    }

    internal WireWriter Write(WireWriter w) => w.Bytes(Identifier.Scalar).Bytes(Hiding).Bytes(Binding);

    internal static SigningCommitments Read(ref WireReader r) =>
        new(r.Identifier(), r.Element("A hiding nonce commitment"), r.Element("A binding nonce commitment"));

    internal bool SameAs(SigningCommitments other) =>
        Identifier.Equals(other.Identifier) && Hiding.AsSpan().SequenceEqual(other.Hiding) && Binding.AsSpan().SequenceEqual(other.Binding);
}
