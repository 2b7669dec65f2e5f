namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §12.4: the proposals that start a new epoch and, optionally, the committer's
/// UpdatePath. Whether the path may be absent is a validation rule (§12.4).
/// </summary>
internal sealed record Commit(IReadOnlyList<ProposalOrRef> Proposals, UpdatePath? Path) : ITlsEncodable
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteVector(Proposals);
        writer.WriteOptional(Path);
    }

    public static Commit Decode(ref TlsReader reader) => new(reader.ReadVector(ProposalOrRef.Decode), reader.ReadOptional(UpdatePath.Decode));

    public bool Equals(Commit? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
