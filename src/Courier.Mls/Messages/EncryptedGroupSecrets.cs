namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §12.4.3.1: GroupSecrets encrypted to one new member. <see cref="NewMember"/> is the
/// KeyPackageRef of that member's KeyPackage; <see cref="Ciphertext"/> is the RFC's
/// <c>encrypted_group_secrets</c>.
/// </summary>
internal sealed record EncryptedGroupSecrets(byte[] NewMember, HPKECiphertext Ciphertext) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(NewMember);
        Ciphertext.Encode(writer);
    }

    public static EncryptedGroupSecrets Decode(ref TlsReader reader) => new(reader.ReadOpaqueArray(), HPKECiphertext.Decode(ref reader));

    public bool Equals(EncryptedGroupSecrets? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
