namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §12.4.3: the state a new member needs to join, signed by the member at leaf
/// <see cref="Signer"/> with label "GroupInfoTBS".
/// </summary>
internal sealed record GroupInfo(
    GroupContext GroupContext,
    IReadOnlyList<Extension> Extensions,
    byte[] ConfirmationTag,
    uint Signer,
    byte[] Signature) : ITlsEncodable
{
    /// <summary>The GroupInfoTBS the signature covers.</summary>
    public GroupInfoTBS ToBeSigned() => new(GroupContext, Extensions, ConfirmationTag, Signer);

    public void Encode(TlsWriter writer)
    {
        ToBeSigned().Encode(writer);
        writer.WriteOpaque(Signature);
    }

    public static GroupInfo Decode(ref TlsReader reader)
    {
        var tbs = GroupInfoTBS.Decode(ref reader);
        return new GroupInfo(tbs.GroupContext, tbs.Extensions, tbs.ConfirmationTag, tbs.Signer, reader.ReadOpaqueArray());
    }

    public byte[] ToBytes() => TlsWriter.Encode(this);

    public bool Equals(GroupInfo? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
