namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §5.3: an identity bound to a signature key. A basic credential carries
/// <see cref="Identity"/>, an x509 credential <see cref="Certificates"/> (end-entity first). The
/// body of any other credential type cannot be parsed, so decoding rejects it.
/// </summary>
internal sealed record Credential : ITlsEncodable
{
    private Credential(CredentialType credentialType, byte[]? identity, IReadOnlyList<Certificate>? certificates)
    {
        CredentialType = credentialType;
        Identity = identity;
        Certificates = certificates;
    }

    public CredentialType CredentialType { get; }

    /// <summary><c>opaque identity&lt;V&gt;</c> of a basic credential; null otherwise.</summary>
    public byte[]? Identity { get; }

    /// <summary><c>Certificate certificates&lt;V&gt;</c> of an x509 credential; null otherwise.</summary>
    public IReadOnlyList<Certificate>? Certificates { get; }

    public static Credential Basic(byte[] identity) => new(CredentialType.Basic, identity ?? throw new ArgumentNullException(nameof(identity)), null);

    public static Credential X509(IReadOnlyList<Certificate> certificates) => new(CredentialType.X509, null, certificates ?? throw new ArgumentNullException(nameof(certificates)));

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16((ushort)CredentialType);
        if (CredentialType == CredentialType.Basic)
        {
            writer.WriteOpaque(Identity);
        }
        else
        {
            writer.WriteVector(Certificates!);
        }
    }

    public static Credential Decode(ref TlsReader reader) => reader.ReadUInt16() switch
    {
        (ushort)CredentialType.Basic => Basic(reader.ReadOpaqueArray()),
        (ushort)CredentialType.X509 => X509(reader.ReadVector(Certificate.Decode)),
        _ => throw reader.Error(DecodeError.InvalidValue),
    };

    public bool Equals(Credential? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
