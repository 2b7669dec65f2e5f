namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §12.1: a proposed change to the group, a proposal_type and the body it selects.
/// A proposal of a type this library does not define has a body that cannot be parsed, so
/// decoding rejects it (GREASE values never appear here, §13.5).
/// </summary>
internal sealed record Proposal : ITlsEncodable
{
    public Proposal(IProposalBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Body = body;
    }

    /// <summary>The body; match it against <see cref="Add"/>, <see cref="Update"/>, <see cref="Remove"/> and the others.</summary>
    public IProposalBody Body { get; }

    public ProposalType ProposalType => Body.ProposalType;

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt16((ushort)ProposalType);
        Body.Encode(writer);
    }

    public static Proposal Decode(ref TlsReader reader)
    {
        IProposalBody body = reader.ReadUInt16() switch
        {
            (ushort)ProposalType.Add => Add.Decode(ref reader),
            (ushort)ProposalType.Update => Update.Decode(ref reader),
            (ushort)ProposalType.Remove => Remove.Decode(ref reader),
            (ushort)ProposalType.Psk => PreSharedKey.Decode(ref reader),
            (ushort)ProposalType.Reinit => ReInit.Decode(ref reader),
            (ushort)ProposalType.ExternalInit => ExternalInit.Decode(ref reader),
            (ushort)ProposalType.GroupContextExtensions => GroupContextExtensions.Decode(ref reader),
            _ => throw reader.Error(DecodeError.InvalidValue),
        };
        return new Proposal(body);
    }

    public bool Equals(Proposal? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
