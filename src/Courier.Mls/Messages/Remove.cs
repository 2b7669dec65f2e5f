namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §12.1.3: <c>struct { uint32 removed; } Remove</c>, the leaf index to remove.</summary>
internal sealed record Remove(uint Removed) : IProposalBody
{
    public ProposalType ProposalType => ProposalType.Remove;

    public void Encode(TlsWriter writer) => writer.WriteUInt32(Removed);

    public static Remove Decode(ref TlsReader reader) => new(reader.ReadUInt32());
}
