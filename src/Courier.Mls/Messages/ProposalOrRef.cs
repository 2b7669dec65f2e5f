namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §12.4: a proposal a Commit covers, by value (<see cref="Proposal"/>) or by
/// <see cref="Reference"/> (a ProposalRef, §5.2).
/// </summary>
internal sealed record ProposalOrRef : ITlsEncodable
{
    public ProposalOrRef(Proposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        Type = ProposalOrRefType.Proposal;
        Proposal = proposal;
    }

    public ProposalOrRef(byte[] reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Type = ProposalOrRefType.Reference;
        Reference = reference;
    }

    public ProposalOrRefType Type { get; }

    public Proposal? Proposal { get; }

    /// <summary><c>ProposalRef reference</c>: the RefHash of the AuthenticatedContent that carried the proposal.</summary>
    public byte[]? Reference { get; }

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt8((byte)Type);
        if (Proposal is not null)
        {
            Proposal.Encode(writer);
        }
        else
        {
            writer.WriteOpaque(Reference);
        }
    }

    public static ProposalOrRef Decode(ref TlsReader reader) => reader.ReadProposalOrRefType() == ProposalOrRefType.Proposal
        ? new ProposalOrRef(Proposal.Decode(ref reader))
        : new ProposalOrRef(reader.ReadOpaqueArray());

    public bool Equals(ProposalOrRef? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
